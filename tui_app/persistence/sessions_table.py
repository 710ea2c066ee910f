"""The `sessions` table: one row per session, the parent of everything else stored of it."""

from __future__ import annotations

import sqlite3

from tui_app.core.usage_ledger import MoneyUnit
from tui_app.persistence import search
from tui_app.persistence.records import SESSION_COLUMNS, SESSION_FIELDS, SessionRecord, session_record, session_row

_UPSERT = (
    f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ({', '.join('?' * len(SESSION_FIELDS))})"
    " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in SESSION_FIELDS if name != "id")
)


def upsert_session(db: sqlite3.Connection, record: SessionRecord) -> None:
    """Insert or update the row. Its events, draft and last event id are left as they are."""
    db.execute(_UPSERT, session_row(record))


def session_exists(db: sqlite3.Connection, session_id: str) -> bool:
    return db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None


def money_unit(db: sqlite3.Connection, session_id: str) -> MoneyUnit | None:
    """The session's money unit; None when its row does not exist."""
    row = db.execute("SELECT money_unit FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    unit: MoneyUnit = row[0]
    return unit


def all_sessions(db: sqlite3.Connection) -> list[SessionRecord]:
    """Every session, oldest first."""
    rows = db.execute(f"SELECT {SESSION_COLUMNS} FROM sessions ORDER BY created_at, id").fetchall()
    return [session_record(row) for row in rows]


def one_session(db: sqlite3.Connection, session_id: str) -> SessionRecord | None:
    row = db.execute(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else session_record(row)


def last_event_id(db: sqlite3.Connection, session_id: str) -> int | None:
    row = db.execute("SELECT last_event_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else row[0]


def set_last_event_id(db: sqlite3.Connection, session_id: str, event_id: int) -> None:
    # Stored as given, never max()ed: a server whose ids restarted must not make us skip its
    # new events. Resuming from too early only replays what is deduplicated.
    db.execute("UPDATE sessions SET last_event_id = ? WHERE id = ?", (event_id, session_id))


def remove_session(db: sqlite3.Connection, session_id: str) -> None:
    """Delete the session and everything of it (foreign keys cascade), the search index too."""
    search.forget_session(db, session_id)
    db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
