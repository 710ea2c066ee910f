"""The `events` table: the record. Every domain event of a session, append-only, in order, so a
replay through the reducer rebuilds its transcript exactly; the projections are written with it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tui_app.core.event_codec import decode, encode
from tui_app.core.events import DomainEvent
from tui_app.core.usage_ledger import MoneyUnit
from tui_app.persistence.projection import Projection
from tui_app.persistence.sessions_table import set_last_event_id


def append_events(
    db: sqlite3.Connection, session_id: str, unit: MoneyUnit, events: Sequence[DomainEvent], last_event_id: int | None
) -> None:
    """Append `events` in order, update the projections, and record `last_event_id` if given.
    Call it inside a write transaction, for a session whose row exists (its money unit is `unit`)."""
    projection = Projection(db, session_id, unit)
    rows = []
    for event in events:
        stored = projection.apply(event)
        rows.append((session_id, type(stored).__name__, encode(stored)))
    db.executemany("INSERT INTO events (session_id, kind, body) VALUES (?, ?, ?)", rows)
    projection.finish()
    if last_event_id is not None:
        set_last_event_id(db, session_id, last_event_id)


def load_events(db: sqlite3.Connection, session_id: str) -> list[DomainEvent]:
    """Every event of the session, in the order appended (a part update that only extended its
    part comes back as the delta it amounted to: projection.py's `_compact`)."""
    rows = db.execute("SELECT body FROM events WHERE session_id = ? ORDER BY seq", (session_id,)).fetchall()
    return [decode(body) for (body,) in rows]


def bodies(db: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, str]:
    """The stored bodies of the events numbered `seqs`, by number (in chunks: SQLite limits parameters)."""
    found: dict[int, str] = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        found.update(
            db.execute(f"SELECT seq, body FROM events WHERE seq IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
        )
    return found
