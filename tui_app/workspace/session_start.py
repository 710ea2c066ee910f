"""Trying again to start a session whose creation the service refused (a 5xx, a network
failure): the same session, title and model, so what was typed or queued for it goes on."""

from __future__ import annotations

from tui_app.backends.errors import BackendError
from tui_app.workspace.changes import Notice
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


def can_retry_start(session: SessionController) -> bool:
    return session.state == "failed" and session.remote is None


async def retry_start(workspace: Workspace, session: SessionController) -> bool:
    """Create `session` on its service again; True once it is there. A refusal is a notice."""
    if not can_retry_start(session):
        return False
    idle = workspace.settings.idle_timeout_s
    try:
        await session.open(session.model, idle * 1000 if idle else None)
    except BackendError as error:
        message = f"{error.message} F5 tries again."
        workspace.notices.publish(Notice(f"{session.title} could not start", message, "error", 10))
        return False
    return True
