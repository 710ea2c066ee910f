"""The composer's text per session, saved in bursts: one write per pause, not per key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import SessionController

DRAFT_SAVE_SECONDS = 0.3


class Drafts:
    def __init__(self, store_for: Callable[[SessionController], Store | None], delay: float = DRAFT_SAVE_SECONDS) -> None:
        self._store_for = store_for
        self._delay = delay
        self._pending: tuple[SessionController, str] | None = None
        self._timer: asyncio.TimerHandle | None = None

    def changed(self, session: SessionController, text: str) -> None:
        """`text` is what `session`'s composer holds now; it is saved after a short pause."""
        if self._pending is not None and self._pending[0] is not session:
            self.flush()
        self._pending = (session, text)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self._delay, self.flush)

    def flush(self) -> None:
        """Save the pending draft now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, None
        if pending is None:
            return
        session, text = pending
        store = self._store_for(session)
        if store is not None and session.remote is not None:
            store.save_draft(session.id, text)

    def load(self, session: SessionController) -> str:
        if self._pending is not None and self._pending[0] is session:
            return self._pending[1]
        store = self._store_for(session)
        return store.draft(session.id) if store is not None and session.remote is not None else ""
