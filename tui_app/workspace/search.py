"""Search every kept session's messages, for a view that must not know where they are kept."""

from __future__ import annotations

from dataclasses import dataclass

from tui_app.persistence.store import MATCH_END, MATCH_START, Store

__all__ = ["MATCH_END", "MATCH_START", "FoundMessage", "MessageSearch"]


@dataclass(frozen=True, slots=True)
class FoundMessage:
    session_id: str
    message_id: str
    role: str
    snippet: str
    """Text around the match, matched words between `MATCH_START` and `MATCH_END`."""
    title: str
    """The title of the session it is in."""
    time: float | None


class MessageSearch:
    """Blocking (it reads the disk): call it from a thread worker."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def find(self, query: str, limit: int) -> list[FoundMessage]:
        hits = self._store.search(query, limit=limit) if query.strip() else []
        titles = {record.id: record.title for record in self._store.sessions()} if hits else {}
        times: dict[str, dict[str, float | None]] = {}
        return [
            FoundMessage(
                hit.session_id,
                hit.message_id,
                hit.role,
                hit.snippet,
                titles.get(hit.session_id, "?"),
                times.setdefault(hit.session_id, self._store.message_times(hit.session_id)).get(hit.message_id),
            )
            for hit in hits
        ]

    def backend_of(self, session_id: str) -> str | None:
        """The backend a kept session belongs to, if it is kept."""
        record = self._store.session(session_id)
        return record.backend if record is not None else None
