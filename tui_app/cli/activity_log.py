"""What the app's sessions go through, in the log: turns that failed, sessions that failed,
expired or were refused, and every warning or error the app showed (a toast is gone in seconds;
the log keeps it). Reconnects, retries and skipped frames are logged where they happen."""

from __future__ import annotations

import logging

from tui_app.core.events import TurnCompleted
from tui_app.workspace.changes import Notice, SessionChange
from tui_app.workspace.workspace import Workspace

log = logging.getLogger(__name__)

_LEVELS = {"warning": logging.WARNING, "error": logging.ERROR}


def log_activity(workspace: Workspace) -> None:
    """Log what happens in `workspace` for as long as it lives."""
    errors: dict[str, str | None] = {}

    def on_change(change: SessionChange) -> None:
        session, event = change.session, change.event
        if isinstance(event, TurnCompleted) and event.outcome != "completed":
            level = logging.WARNING if event.outcome == "failed" else logging.INFO
            log.log(level, "session %s: turn %s %s: %s", session.id, event.turn_id, event.outcome, event.error or "no reason given")
        if session.error != errors.get(session.id):
            errors[session.id] = session.error
            if session.error:
                log.warning("session %s (now %s): %s", session.id, session.state, session.error)

    def on_notice(notice: Notice) -> None:
        if notice.severity in _LEVELS:
            log.log(_LEVELS[notice.severity], "shown to the user: %s: %s", notice.title or "notice", notice.message)

    workspace.changes.subscribe(on_change)
    workspace.notices.subscribe(on_notice)
