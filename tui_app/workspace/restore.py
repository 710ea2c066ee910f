"""Bring back the stored sessions of the backends in use, as they were when the app last ran.

Reading them is disk work: `read_stored` may run on a worker thread (the app does so, to keep
its loop free); building the controllers from what was read happens on the workspace's loop.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from tui_app.backends.base import AgentBackend
from tui_app.core.events import DomainEvent
from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import LedgerBook, SessionController, StoredSession


def read_stored(store: Store, backends: Collection[str], only: str | None = None) -> list[StoredSession]:
    """Every stored session of `backends` (those whose sessions are kept), oldest first; or only
    the one whose id is `only` (`tui-app ask --session` continues one, and checks no other)."""
    return [
        StoredSession.read(store, record)
        for record in store.sessions()
        if record.backend in backends and only in (None, record.id)
    ]


def rebuild_sessions(
    stored: list[StoredSession],
    store: Store,
    backends: Mapping[str, AgentBackend],
    book: LedgerBook,
    on_change: Callable[[SessionController, DomainEvent | None], None],
) -> list[SessionController]:
    return [
        SessionController.rebuild(one, backends[one.record.backend], store, on_change=on_change, ledger=book)
        for one in stored
    ]


def restore_sessions(
    store: Store,
    backends: Mapping[str, AgentBackend],
    book: LedgerBook,
    on_change: Callable[[SessionController, DomainEvent | None], None],
    only: str | None = None,
) -> list[SessionController]:
    """Read and rebuild on the caller's thread (for `tui-app ask` and tests)."""
    return rebuild_sessions(read_stored(store, backends, only), store, backends, book, on_change)
