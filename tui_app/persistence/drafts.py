"""What the user is typing in each session, kept so that a crash or a quit never loses it."""

from __future__ import annotations

import sqlite3

from tui_app.persistence.sql_values import from_sql_text, to_sql_text


def write_draft(db: sqlite3.Connection, session_id: str, text: str) -> None:
    """Keep `text` as the session's draft; an empty `text` clears it. The session's row must exist."""
    if not text:
        db.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
        return
    db.execute(
        "INSERT INTO drafts (session_id, text) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET text = excluded.text",
        (session_id, to_sql_text(text)),
    )


def read_draft(db: sqlite3.Connection, session_id: str) -> str:
    row = db.execute("SELECT text FROM drafts WHERE session_id = ?", (session_id,)).fetchone()
    return "" if row is None else from_sql_text(row[0])
