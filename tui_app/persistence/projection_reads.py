"""What the projections answer without a replay: a session's messages, their times, its billable
entries and its questions."""

from __future__ import annotations

import json
import sqlite3

from tui_app.core.event_codec import from_json_data
from tui_app.core.events import Question
from tui_app.core.transcript import AskedQuestion
from tui_app.core.usage_ledger import LedgerEntry
from tui_app.persistence.records import StoredMessage
from tui_app.persistence.sql_values import answers_from_json, from_sql_text


def messages(db: sqlite3.Connection, session_id: str) -> list[StoredMessage]:
    """The session's messages in order, with their visible text."""
    rows = db.execute(
        "SELECT m.id, m.message_id, m.role, p.kind, p.text FROM messages AS m"
        " LEFT JOIN parts AS p ON p.session_id = m.session_id AND p.message_id = m.message_id"
        " WHERE m.session_id = ? ORDER BY m.id, p.id",
        (session_id,),
    ).fetchall()
    found: dict[int, tuple[str, str, list[str]]] = {}
    for row_id, message_id, role, kind, text in rows:
        _, _, texts = found.setdefault(row_id, (message_id, role, []))
        if kind == "text":
            texts.append(from_sql_text(text))
    return [StoredMessage(message_id, role, "".join(texts)) for message_id, role, texts in found.values()]


def message_times(db: sqlite3.Connection, session_id: str) -> dict[str, float | None]:
    """When each message of the session was first stored (Unix time; None if not recorded)."""
    rows = db.execute(
        "SELECT message_id, created_at FROM messages WHERE session_id = ? ORDER BY id", (session_id,)
    ).fetchall()
    return dict(rows)


def usage_entries(db: sqlite3.Connection, session_id: str | None) -> list[LedgerEntry]:
    """Billable entries of one session (or all), as the usage ledger keys them, oldest first."""
    query = "SELECT entry_id, session_id, turn_id, kind, cost, unit, source FROM usage_entries"
    if session_id is None:
        rows = db.execute(f"{query} ORDER BY id").fetchall()
    else:
        rows = db.execute(f"{query} WHERE session_id = ? ORDER BY id", (session_id,)).fetchall()
    return [LedgerEntry(entry_id, *rest) for entry_id, *rest in rows]


def questions(db: sqlite3.Connection, session_id: str) -> list[AskedQuestion]:
    """Every question the agent asked in the session, oldest first, with what became of it."""
    rows = db.execute(
        "SELECT request_id, turn_id, questions, state, answers FROM questions WHERE session_id = ? ORDER BY id",
        (session_id,),
    ).fetchall()
    return [
        AskedQuestion(
            request_id,
            turn_id,
            from_json_data(json.loads(asked), tuple[Question, ...]),
            state,
            answers_from_json(answers),
        )
        for request_id, turn_id, asked, state, answers in rows
    ]
