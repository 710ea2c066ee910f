"""The composer's text per session, saved in bursts: one write per pause, not per key; and the
messages queued behind a running turn, saved at once with it (`draft_codec`).

A save runs on the event loop, so it must never raise there: a draft the store refuses (closed,
or a read it needs fails) stays here, is what `load` gives back, and is tried again at the next
save. Failures of the writes themselves are the store's to report (its health).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable

from tui_app.persistence.store import Store, StoreError
from tui_app.workspace.draft_codec import QueuedMessage, StoredDraft, decode, encode
from tui_app.workspace.session_controller import SessionController

DRAFT_SAVE_SECONDS = 0.3
log = logging.getLogger(__name__)


class Drafts:
    def __init__(self, store_for: Callable[[SessionController], Store | None], delay: float = DRAFT_SAVE_SECONDS) -> None:
        self._store_for = store_for
        self._delay = delay
        self._pending: tuple[SessionController, str] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._refused: dict[str, tuple[SessionController, str]] = {}
        self._queued: dict[str, tuple[QueuedMessage, ...]] = {}
        """Each session's queue as last read or set (the store holds it with the draft)."""
        self._attached: dict[str, tuple[str, ...]] = {}
        """The paths attached to each session's draft, read with its queue."""
        self._texts: dict[str, str] = {}
        """Each session's draft text as last read or saved: this is its only writer, and a read
        of the store waits for its writer (each queued send set the queue, and read the text)."""

    def changed(self, session: SessionController, text: str) -> None:
        """`text` is what `session`'s composer holds now; it is saved after a short pause."""
        if self._pending is not None and self._pending[0] is not session:
            self.flush()
        self._pending = (session, text)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self._delay, self.flush)

    def set_queued(self, session: SessionController, queued: tuple[QueuedMessage, ...]) -> None:
        """`session`'s queued messages are `queued` now; saved at once, beside its draft."""
        self._save_beside(session, lambda: self._queued.__setitem__(session.id, queued))

    def set_attached(self, session: SessionController, paths: tuple[str, ...]) -> None:
        """The files attached to `session`'s draft are `paths` now; saved at once, beside it."""
        self._save_beside(session, lambda: self._attached.__setitem__(session.id, paths))

    def attached(self, session: SessionController) -> tuple[str, ...]:
        self._queue_of(session)  # read with the queue
        return self._attached.get(session.id, ())

    def _save_beside(self, session: SessionController, change: Callable[[], None]) -> None:
        text = self.load(session)
        self._queue_of(session)  # what the store keeps beside the draft, so a save keeps it too
        change()
        if self._pending is None or self._pending[0] is not session:
            self._refused[session.id] = (session, text)
        self.flush()

    def queued(self, session: SessionController) -> tuple[QueuedMessage, ...]:
        return self._queue_of(session) or ()

    def _queue_of(self, session: SessionController) -> tuple[QueuedMessage, ...] | None:
        """None while the store cannot be read: read again next time rather than forget a queue."""
        if session.id not in self._queued:
            stored = self._read(session)
            if stored is None:
                return None
            self._queued[session.id] = stored.queued
            self._attached.setdefault(session.id, stored.attached)
        return self._queued[session.id]

    def flush(self) -> None:
        """Save the pending draft now (and any the store refused before)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, None
        if pending is not None:
            self._refused[pending[0].id] = pending
        for session, text in list(self._refused.values()):
            if self._save(session, text):
                self._refused.pop(session.id, None)

    @property
    def unsaved(self) -> int:
        """Drafts kept here only, as the store refused them."""
        return len(self._refused)

    def _save(self, session: SessionController, text: str) -> bool:
        store = self._store_for(session)
        if store is None or session.remote is None:
            return True
        try:
            queued = self._queue_of(session)
            if queued is None:
                return False  # saving now would drop the queue kept with the draft
            store.save_draft(session.id, encode(StoredDraft(text, queued, self._attached.get(session.id, ()))))
        except (StoreError, sqlite3.Error, RuntimeError) as error:
            log.warning("draft of %s kept in memory: %s", session.id, error)
            return False
        self._texts[session.id] = text
        return True

    def load(self, session: SessionController) -> str:
        if self._pending is not None and self._pending[0] is session:
            return self._pending[1]
        if session.id in self._refused:
            return self._refused[session.id][1]
        if session.id in self._texts:
            return self._texts[session.id]
        stored = self._read(session)
        if stored is None:
            return ""
        self._texts[session.id] = stored.text
        return stored.text

    def _read(self, session: SessionController) -> StoredDraft | None:
        """What the store keeps for `session`; None when it could not be read."""
        store = self._store_for(session)
        if store is None or session.remote is None:
            return StoredDraft()
        try:
            return decode(store.draft(session.id))
        except sqlite3.Error as error:
            log.warning("draft of %s not read: %s", session.id, error)
            return None
