"""The read-side tables of a session (messages, parts, questions, usage entries), kept in step
with its events as they are appended, inside the append's transaction."""

from __future__ import annotations

import functools
import sqlite3
import time
from dataclasses import dataclass, replace
from types import MappingProxyType

from tui_app.core import question_records, transcript as reducer
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    QuestionAsked,
    QuestionRecorded,
    QuestionSettled,
    TurnCompleted,
    UsageReported,
    UserMessageSent,
)
from tui_app.core.transcript import AskedQuestion, Message, Part, Transcript
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit, UsageLedger
from tui_app.persistence.search import index_message
from tui_app.persistence.sql_values import answers_from_json, from_sql_text, to_json_text, to_sql_text


@dataclass(slots=True)
class _PartRow:
    """A row of `parts`, cached for the length of one call."""

    row_id: int
    part: Part
    dirty: bool = False


@dataclass(slots=True)
class _MessageRow:
    """A row of `messages` (without its parts), cached for the length of one call."""

    row_id: int
    message: Message


class Projection:
    """Keeps the read-side tables of one session in step with its events, inside one transaction.

    The projections are computed by the reducer and the usage ledger themselves, not by rules
    copied from them: each event is applied to a small transcript (or ledger) loaded with just
    the rows it touches, and what changed is written back. So the tables always say what a
    replay would, even as those rules change. Part texts are written once per call, not once
    per event, so a caller that appends a batch of streamed tokens pays for one write.
    """

    def __init__(self, db: sqlite3.Connection, session_id: str, unit: MoneyUnit) -> None:
        self.db = db
        self.session_id = session_id
        self.unit = unit
        self.messages: dict[str, _MessageRow] = {}
        self.parts: dict[tuple[str, str], _PartRow] = {}
        # Messages whose visible text changed or that completed in this call, by row id.
        self.touched: dict[int, str] = {}
        # Usage entries read or written in this call: a turn reports the same entries every few
        # tokens, and the table need not be asked again.
        self.usage: dict[str, LedgerEntry | None] = {}

    def apply(self, event: DomainEvent) -> DomainEvent:
        """Project `event`; return it as it is to be stored (see `_compact`)."""
        match event:
            case (
                UserMessageSent(message_id=message_id)
                | MessageCreated(message_id=message_id)
                | MessageCompleted(message_id=message_id)
            ):
                self._reduce_message(event, message_id, None)
            case PartUpdated(message_id=message_id, part_id=part_id):
                return self._extend_part(event) or self._reduce_message(event, message_id, part_id)
            case QuestionRecorded(message_id=message_id, record=record):
                self._reduce_message(event, message_id, question_records.part_id(record.request_id))
            case QuestionAsked(request_id=request_id) | QuestionSettled(request_id=request_id):
                self._reduce_questions(event, "request_id = ?", request_id)
            case TurnCompleted(turn_id=turn_id):
                self._reduce_questions(event, "turn_id = ?", turn_id)
            case UsageReported():
                self._record_usage(event)
            case _:
                pass
        return event

    # -- messages and parts

    def _reduce_message(self, event: DomainEvent, message_id: str, part_id: str | None) -> DomainEvent:
        known = self._message(message_id)
        part = None if part_id is None else self._part(message_id, part_id)
        if known is None:
            before = Transcript()
        else:
            parts = () if part is None else (part.part,)
            m = known.message
            before = Transcript(messages=(Message(m.id, m.role, m.turn_id, parts, m.completed),))
        after = reducer.apply(before, event)
        message = after.message(message_id)
        if message is None or after is before:
            return event
        if known is None:
            known = self._add_message(message)
        elif (message.role, message.turn_id, message.completed) != (
            known.message.role,
            known.message.turn_id,
            known.message.completed,
        ):
            self.db.execute(
                "UPDATE messages SET role = ?, turn_id = ?, completed = ? WHERE id = ?",
                (message.role, message.turn_id, int(message.completed), known.row_id),
            )
            known.message = replace(message, parts=())
            self.touched[known.row_id] = message_id
        old_parts = {p.id: p for p in before.messages[0].parts} if before.messages else {}
        for new in message.parts:
            old = old_parts.get(new.id)
            if old is None:
                self._add_part(message_id, new)
            elif new != old:
                cached = self.parts[(message_id, new.id)]
                cached.part, cached.dirty = new, True
            else:
                continue
            self.touched[known.row_id] = message_id
        if isinstance(event, PartUpdated):
            return _compact(event, before, after)
        return event

    def _extend_part(self, event: PartUpdated) -> PartUpdated | None:
        """The common case without the reducer: a part already read in this call, whose full text
        only grew. What `_reduce_message` would do, and its `_compact` delta; None otherwise.

        The reducer takes a full text that is not a stale prefix as the part's text, in a part
        of the event's kind: the same kind and a strict extension give the part this text and
        leave the message as it was, and the delta rebuilds the same transcript."""
        text, cached = event.text, self.parts.get((event.message_id, event.part_id))
        if text is None or event.tool is not None or cached is None or cached.part.kind != event.kind:
            return None
        known = self.messages.get(event.message_id)
        old = cached.part.text
        if known is None or len(text) <= len(old) or not text.startswith(old):
            return None
        cached.part, cached.dirty = Part(event.part_id, event.kind, text), True
        self.touched[known.row_id] = event.message_id
        return PartUpdated(event.turn_id, event.message_id, event.part_id, event.kind, None, text[len(old) :])

    def _message(self, message_id: str) -> _MessageRow | None:
        if message_id not in self.messages:
            row = self.db.execute(
                "SELECT id, role, turn_id, completed FROM messages WHERE session_id = ? AND message_id = ?",
                (self.session_id, message_id),
            ).fetchone()
            if row is None:
                return None
            row_id, role, turn_id, completed = row
            self.messages[message_id] = _MessageRow(row_id, Message(message_id, role, turn_id, (), bool(completed)))
        return self.messages[message_id]

    def _add_message(self, message: Message) -> _MessageRow:
        cursor = self.db.execute(
            "INSERT INTO messages (session_id, message_id, role, turn_id, completed, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (self.session_id, message.id, message.role, message.turn_id, int(message.completed), time.time()),
        )
        assert cursor.lastrowid is not None
        row = self.messages[message.id] = _MessageRow(cursor.lastrowid, replace(message, parts=()))
        self.touched[row.row_id] = message.id
        return row

    def _part(self, message_id: str, part_id: str) -> _PartRow | None:
        key = (message_id, part_id)
        if key not in self.parts:
            row = self.db.execute(
                "SELECT id, kind, text FROM parts WHERE session_id = ? AND message_id = ? AND part_id = ?",
                (self.session_id, message_id, part_id),
            ).fetchone()
            if row is None:
                return None
            self.parts[key] = _PartRow(row[0], Part(part_id, row[1], from_sql_text(row[2])))
        return self.parts[key]

    def _add_part(self, message_id: str, part: Part) -> None:
        # Inserted at once (only later changes wait for `finish`), so rows keep the order in
        # which the reducer appends parts.
        cursor = self.db.execute(
            "INSERT INTO parts (session_id, message_id, part_id, kind, text) VALUES (?, ?, ?, ?, ?)",
            (self.session_id, message_id, part.id, part.kind, to_sql_text(part.text)),
        )
        assert cursor.lastrowid is not None
        self.parts[(message_id, part.id)] = _PartRow(cursor.lastrowid, part)

    # -- questions and usage

    def _reduce_questions(self, event: DomainEvent, where: str, value: str) -> None:
        rows = self.db.execute(
            f"SELECT id, request_id, turn_id, state, answers FROM questions WHERE session_id = ? AND {where}",
            (self.session_id, value),
        ).fetchall()
        # Only state and answers change once a question is asked: its text need not be loaded.
        before = Transcript(
            questions=tuple(
                AskedQuestion(request, turn, (), state, answers_from_json(answers)) for _, request, turn, state, answers in rows
            )
        )
        row_ids = {request: row_id for row_id, request, *_ in rows}
        old = {q.id: q for q in before.questions}
        for new in reducer.apply(before, event).questions:
            if new.id not in old:
                self.db.execute(
                    "INSERT INTO questions (session_id, request_id, turn_id, questions, state, answers)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (self.session_id, new.id, new.turn_id, to_json_text(new.questions), new.state, to_json_text(new.answers)),
                )
            elif new != old[new.id]:
                self.db.execute(
                    "UPDATE questions SET turn_id = ?, state = ?, answers = ? WHERE id = ?",
                    (new.turn_id, new.state, to_json_text(new.answers), row_ids[new.id]),
                )
                if new.questions != old[new.id].questions:
                    self.db.execute(
                        "UPDATE questions SET questions = ? WHERE id = ?", (to_json_text(new.questions), row_ids[new.id])
                    )

    def _record_usage(self, event: UsageReported) -> None:
        # First learn which entries the report names, then let the ledger settle them against
        # what is stored (it replaces an entry only when that does not lower its cost).
        record = functools.partial(
            UsageLedger.record, session_id=self.session_id, turn_id=event.turn_id, usage=event.usage, unit=self.unit
        )
        named = list(record(UsageLedger()).entries)
        if not named:
            return
        unread = [entry_id for entry_id in named if entry_id not in self.usage]
        if unread:
            self.usage.update(dict.fromkeys(unread))
            marks = ", ".join("?" * len(unread))
            for entry_id, turn, kind, cost, unit, source in self.db.execute(
                "SELECT entry_id, turn_id, kind, cost, unit, source FROM usage_entries"
                f" WHERE session_id = ? AND entry_id IN ({marks})",
                (self.session_id, *unread),
            ):
                self.usage[entry_id] = LedgerEntry(entry_id, self.session_id, turn, kind, cost, unit, source)
        known = {entry_id: entry for entry_id in named if (entry := self.usage[entry_id]) is not None}
        settled = record(UsageLedger(entries=MappingProxyType(known))).entries
        for entry in settled.values():
            if known.get(entry.id) != entry:
                self.db.execute(
                    "INSERT INTO usage_entries (session_id, entry_id, turn_id, kind, cost, unit, source)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, entry_id) DO UPDATE SET"
                    " turn_id = excluded.turn_id, kind = excluded.kind, cost = excluded.cost,"
                    " unit = excluded.unit, source = excluded.source",
                    (self.session_id, entry.id, entry.turn_id, entry.kind, entry.cost, entry.unit, entry.source),
                )
                self.usage[entry.id] = entry

    # -- the end of a call

    def finish(self) -> None:
        """Write the parts changed in this call, and bring the search index up to date."""
        for part in self.parts.values():
            if part.dirty:
                self.db.execute(
                    "UPDATE parts SET kind = ?, text = ? WHERE id = ?",
                    (part.part.kind, to_sql_text(part.part.text), part.row_id),
                )
        for message_id, message in self.messages.items():
            if message.row_id not in self.touched:
                continue
            if message.message.completed:
                index_message(self.db, message.row_id, self.session_id, message_id)
            else:
                # Re-indexing a growing reply on every token would cost O(n²); a message in
                # flight is indexed when it completes, or by the next search, whichever is first.
                self.db.execute("UPDATE messages SET search_stale = 1 WHERE id = ?", (message.row_id,))


def _compact(event: PartUpdated, before: Transcript, after: Transcript) -> PartUpdated:
    """The part update to store: one whose full text only extends the part becomes its delta.

    Both services send a part's full text so far with every token. Stored as sent, a reply of n
    tokens would take O(n²) bytes (a 20k-token reply: ~800 MB). The delta is kept only when the
    reducer builds the very same transcript from it, so nothing is lost.
    """
    if event.text is None or not before.messages:
        return event
    old = next((part.text for part in before.messages[0].parts if part.id == event.part_id), None)
    if old is None or not event.text.startswith(old):
        return event
    compact = PartUpdated(event.turn_id, event.message_id, event.part_id, event.kind, None, event.text[len(old) :] or None)
    return compact if reducer.apply(before, compact) == after else event

