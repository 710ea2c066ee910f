"""A session off screen publishes its streamed tokens once per tick, not once per token.

Ten sessions streaming 50 tokens a second publish 500 changes a second, each handed to a dozen
subscribers (three of them through the App's message pump) for a row that is redrawn twice a
second. Every event is still applied, stored and checked against the budget as it comes (the
controller and `Workspace._session_changed` do that); what waits is only the news of it. While
batching is on (`start`, by the app's read pacing), a per-token change (a part's text, a usage
report) of a session it names waits, replacing the one of that session already waiting (a usage
report is kept over a token: its subscribers sample the ledger), and the waiting ones are
published every `interval` seconds. Any other change of that session (a turn that starts or ends,
a question, a state moved) publishes what waited first, then itself, so each session's changes
keep their order. Off, every change is published at once (`tui-app ask` prints every token).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tui_app.core.events import PartUpdated, UsageReported
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.signal import Signal

PER_TOKEN = (PartUpdated, UsageReported)
"""Events that come with every token or few: their news can wait for the next tick."""


def _never(_session: SessionController) -> bool:
    return False


class ChangeBatcher:
    """Publishes on `changes`: at once, or the last per-token change of a session once a tick."""

    def __init__(self, changes: Signal[SessionChange]) -> None:
        self._changes = changes
        self._batched: Callable[[SessionController], bool] = _never
        self._alive: Callable[[SessionController], bool] = lambda _session: True
        self.interval = 0.0
        self._waiting: dict[str, SessionChange] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.published = 0
        """Changes published so far (for tests: what a stream off screen costs its subscribers)."""

    def start(
        self, interval: float, batched: Callable[[SessionController], bool], alive: Callable[[SessionController], bool]
    ) -> None:
        """Batch the per-token changes of the sessions `batched` names (asked per change); a
        change still waiting when its session is no longer `alive` (deleted) is dropped."""
        self.interval, self._batched, self._alive = interval, batched, alive

    def stop(self) -> None:
        """Publish what waits, and every change at once from now on."""
        self.interval, self._batched = 0.0, _never
        self.flush()

    def publish(self, change: SessionChange) -> None:
        session = change.session
        waiting = self._waiting
        if not isinstance(change.event, PER_TOKEN) or not self._batched(session):
            if session.id in waiting:
                self._publish(waiting.pop(session.id))  # its tokens before what they led to
            self._publish(change)
            return
        older = waiting.get(session.id)
        if older is not None and isinstance(older.event, UsageReported) and not isinstance(change.event, UsageReported):
            change = SessionChange(session, older.event, change.unread)
        waiting[session.id] = change
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.interval, self.flush)

    def flush(self) -> None:
        """Publish every change waiting, now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        waiting, self._waiting = self._waiting, {}
        for change in waiting.values():
            if self._alive(change.session):
                self._publish(change)

    def _publish(self, change: SessionChange) -> None:
        self.published += 1
        self._changes.publish(change)
