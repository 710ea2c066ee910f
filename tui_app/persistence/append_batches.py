"""Appends of one session that wait for the writer together, merged into one write.

Each write of a streamed part's events rewrites the part's row whole (SQLite rewrites a record
it updates), so a write per frame of a long reply costs O(n) each, O(n²) in all: a 50 MB reply
wrote gigabytes. Merged while they wait, the writes are only as many as the writer can do: each
takes longer as the text grows, so they get further apart, and the whole reply costs time linear
in its length (plus one last write of it).

A batch stays open to more events until the writer takes it, or until another write of the same
session is handed over (a record, a draft, a deletion): the session's writes keep their order.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from tui_app.core.events import DomainEvent


@dataclass(slots=True)
class AppendBatch:
    session_id: str
    events: list[DomainEvent] = field(default_factory=list)
    last_event_id: int | None = None
    taken: bool = False


class AppendBatches:
    """The open batch of each session. Called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, AppendBatch] = {}

    def join(self, session_id: str, events: Sequence[DomainEvent], last_event_id: int | None) -> AppendBatch | None:
        """Add `events` to the session's waiting batch; None if there was one (the events go with
        it), else a new batch, whose write the caller hands to the writer."""
        with self._lock:
            batch = self._open.get(session_id)
            if batch is not None and not batch.taken:
                batch.events.extend(events)
                if last_event_id is not None:
                    batch.last_event_id = last_event_id
                return None
            batch = self._open[session_id] = AppendBatch(session_id, list(events), last_event_id)
            return batch

    def take(self, batch: AppendBatch) -> tuple[list[DomainEvent], int | None]:
        """Close `batch` to more events (the writer is writing it) and return what it holds; the
        same again if the write is retried."""
        with self._lock:
            batch.taken = True
            if self._open.get(batch.session_id) is batch:
                del self._open[batch.session_id]
            return batch.events, batch.last_event_id

    def close(self, session_id: str) -> None:
        """Another write of the session comes next: later events must follow it."""
        with self._lock:
            self._open.pop(session_id, None)
