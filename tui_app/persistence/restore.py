"""Rebuilding a session for the screen without replaying all its events: the restore optimiser.

The reducer keeps messages apart from turns and questions (`transcript.MESSAGE_EVENTS`), so the
messages come from their projections, which say what a replay would (projection.py); so do the
ledger's entries. Only the few events about turns and questions are decoded and replayed, and
of a turn's usage reports (a running turn sends one every few tokens) only the one the reducer
would keep: SQLite reads the two figures that decide it from each report's JSON (the event
codec's paths), and Python decodes the winner alone.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tui_app.core import transcript as reducer
from tui_app.core.event_codec import decode
from tui_app.core.events import DomainEvent, UsageReported
from tui_app.core.transcript import Message, Part, Transcript
from tui_app.persistence.event_log import bodies
from tui_app.persistence.projection_reads import usage_entries
from tui_app.persistence.records import RestoredSession
from tui_app.persistence.sql_values import from_sql_text

# Events the reducer applies to messages alone, by the kind the `events` table stores.
_MESSAGE_KINDS = ", ".join(f"'{cls.__name__}'" for cls in reducer.MESSAGE_EVENTS)


def load_transcript(db: sqlite3.Connection, session_id: str) -> RestoredSession:
    """The session as a replay of all its events through the reducer and the usage ledger would
    rebuild it. Call it inside one read transaction, so that every query sees the same commit."""
    rows = db.execute(
        "SELECT m.message_id, m.role, m.turn_id, m.completed, p.part_id, p.kind, p.text"
        " FROM messages AS m LEFT JOIN parts AS p"
        " ON p.session_id = m.session_id AND p.message_id = m.message_id"
        " WHERE m.session_id = ? ORDER BY m.id, p.id",
        (session_id,),
    ).fetchall()
    others = db.execute(
        "SELECT seq, kind, CASE kind WHEN 'UsageReported' THEN NULL ELSE body END,"
        " json_extract(body, '$.fields.turn_id'),"
        " json_extract(body, '$.fields.usage.total_cost_micros'),"
        " json_extract(body, '$.fields.usage.output_tokens')"
        f" FROM events WHERE session_id = ? AND kind NOT IN ({_MESSAGE_KINDS}) ORDER BY seq",
        (session_id,),
    ).fetchall()
    llm_rows = db.execute(
        "SELECT json_extract(body, '$.fields.turn_id'), max(json_extract(body, '$.fields.usage.llm_cost_micros'))"
        " FROM events WHERE session_id = ? AND kind = 'UsageReported'"
        " AND json_extract(body, '$.fields.usage.llm_cost_micros') IS NOT NULL GROUP BY 1",
        (session_id,),
    ).fetchall()
    transcript = reducer.apply_all(Transcript(messages=_messages_from_rows(rows)), _turn_events(db, others))
    llm_costs = {(session_id, turn): max(cost, 0) for turn, cost in llm_rows if isinstance(cost, int)}
    return RestoredSession(transcript, usage_entries(db, session_id), llm_costs)


def _turn_events(db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[DomainEvent]:
    """The events of `rows` (seq, kind, body or None, turn id, cost, output tokens) to replay:
    every one but the usage reports the reducer would not keep (`reducer.keeps_usage`)."""
    kept: dict[str, tuple[tuple[int, int], int]] = {}
    for seq, kind, _, turn, total, output in rows:
        if kind != "UsageReported":
            continue
        if not isinstance(turn, str) or not isinstance(output, int) or not isinstance(total, int | None):
            return _decode_all(db, rows)  # not as this app writes it: replay it all
        key = (total or 0, output)
        known = kept.get(turn)
        if known is None or not key < known[0]:
            kept[turn] = (key, seq)
    winners = bodies(db, [seq for _, seq in kept.values()]) if kept else {}
    events: list[DomainEvent] = []
    placed: set[str] = set()
    for seq, kind, body, turn, _, _ in rows:
        if kind != "UsageReported":
            events.append(decode(body))
        elif turn not in placed:
            # The turn's first report stands for the one kept: the turn is created where a
            # replay creates it, and ends with the usage a replay ends with.
            placed.add(turn)
            winner = decode(winners[kept[turn][1]])
            if not isinstance(winner, UsageReported):
                return _decode_all(db, rows)
            events.append(winner)
    return events


def _decode_all(db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[DomainEvent]:
    seqs = [row[0] for row in rows]
    found = bodies(db, seqs)
    return [decode(found[seq]) for seq in seqs]


def _messages_from_rows(rows: list[tuple[Any, ...]]) -> tuple[Message, ...]:
    """Messages from (message id, role, turn id, completed, part id, kind, text) rows in order."""
    messages: list[Message] = []
    parts: list[Part] = []
    current: tuple[str, Any, str | None, bool] | None = None
    for message_id, role, turn_id, completed, part_id, kind, text in rows:
        if current is None or current[0] != message_id:
            if current is not None:
                messages.append(Message(current[0], current[1], current[2], tuple(parts), current[3]))
            current, parts = (message_id, role, turn_id, bool(completed)), []
        if part_id is not None:
            parts.append(Part(part_id, kind, from_sql_text(text)))
    if current is not None:
        messages.append(Message(current[0], current[1], current[2], tuple(parts), current[3]))
    return tuple(messages)
