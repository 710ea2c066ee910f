"""Bring back the stored sessions of the backends in use, as they were when the app last ran."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tui_app.backends.base import AgentBackend
from tui_app.core.events import DomainEvent
from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import LedgerBook, SessionController


def restore_sessions(
    store: Store,
    backends: Mapping[str, AgentBackend],
    book: LedgerBook,
    on_change: Callable[[SessionController, DomainEvent | None], None],
) -> list[SessionController]:
    """Every stored session of `backends` (those whose sessions are kept), oldest first."""
    records = [r for r in store.sessions() if r.backend in backends]
    return [
        SessionController.restore(record, backends[record.backend], store, on_change=on_change, ledger=book)
        for record in records
    ]
