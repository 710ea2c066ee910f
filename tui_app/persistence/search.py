"""Full-text search over messages' visible text (SQLite FTS5), and keeping its index current."""

from __future__ import annotations

import sqlite3

from tui_app.persistence.records import SearchHit
from tui_app.persistence.sql_values import from_sql_text

MATCH_START = "\x02"
"""Marks the start of a matched word in `SearchHit.snippet` (ASCII "start of text")."""
MATCH_END = "\x03"
"""Marks its end. Both are control characters: a view that forgets them strips them unseen."""

# The markers must mean only that in a snippet, so indexed text never contains them.
_WITHOUT_MARKERS = str.maketrans("", "", MATCH_START + MATCH_END)


def index_message(db: sqlite3.Connection, row_id: int, session_id: str, message_id: str) -> None:
    """Replace the message's row in the search index with its visible text (its text parts)."""
    texts = db.execute(
        "SELECT text FROM parts WHERE session_id = ? AND message_id = ? AND kind = 'text' ORDER BY id",
        (session_id, message_id),
    ).fetchall()
    text = "".join(from_sql_text(text) for (text,) in texts)
    # The index holds UTF-8 only, and never the snippet markers.
    text = text.encode("utf-8", "replace").decode("utf-8").translate(_WITHOUT_MARKERS)
    db.execute("DELETE FROM message_search WHERE rowid = ?", (row_id,))
    if text:
        db.execute("INSERT INTO message_search (rowid, text) VALUES (?, ?)", (row_id, text))
    db.execute("UPDATE messages SET search_stale = 0 WHERE id = ?", (row_id,))


def has_stale_messages(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM messages WHERE search_stale = 1 LIMIT 1").fetchone() is not None


def index_stale_messages(db: sqlite3.Connection) -> None:
    """Index the messages still in flight, so a search sees all the text stored so far.

    A message in flight is not indexed on every token (that would cost O(n²)): it is marked
    stale, and indexed when it completes or by the next search, whichever is first."""
    stale = db.execute("SELECT id, session_id, message_id FROM messages WHERE search_stale = 1").fetchall()
    for row_id, session_id, message_id in stale:
        index_message(db, row_id, session_id, message_id)


def forget_session(db: sqlite3.Connection, session_id: str) -> None:
    """Drop the session's messages from the index: it is a virtual table, no foreign key cascades into it."""
    db.execute(
        "DELETE FROM message_search WHERE rowid IN (SELECT id FROM messages WHERE session_id = ?)", (session_id,)
    )


def search(db: sqlite3.Connection, query: str, limit: int) -> list[SearchHit]:
    """Messages containing every word of `query`, best first. Any text a person types is safe."""
    expression = match_expression(query)
    if not expression:
        return []
    rows = db.execute(
        "SELECT m.session_id, m.message_id, m.role, snippet(message_search, 0, ?, ?, '…', 16)"
        " FROM message_search JOIN messages AS m ON m.id = message_search.rowid"
        " WHERE message_search MATCH ? ORDER BY rank LIMIT ?",
        (MATCH_START, MATCH_END, expression, limit),
    ).fetchall()
    return [SearchHit(*row) for row in rows]


def match_expression(query: str) -> str:
    """An FTS5 query matching every word of `query` literally.

    Each word is quoted, so what a person types (quotes, -, *, :, AND, NEAR) is text, not syntax.
    A trailing * is kept as FTS5's prefix search, since that is what it means to most people.
    """
    terms = []
    for word in query.split():
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if word:
            terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)
