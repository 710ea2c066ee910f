"""SQLite persistence: sessions, their events, read-side projections, search and drafts.

The `events` table is the record: every domain event, append-only, in order, so replaying it
through the reducer rebuilds a transcript exactly. The other tables are projections of it,
written in the same transaction, for what must not need a replay: export, search, cost totals
across sessions, pending questions.

Each public call is one short transaction. The store is synchronous and guarded by a lock, so
it can be called from the event loop or a worker thread.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Self

import platformdirs

from tui_app.core import transcript as reducer
from tui_app.core.event_codec import decode, encode, from_json_data, to_json_data
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionSettled,
    TurnCompleted,
    UsageReported,
    UserMessageSent,
)
from tui_app.core.transcript import AskedQuestion, Message, Part, Transcript
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit, UsageLedger
from tui_app.persistence.sqlite_transaction import write_transaction

# Schema migrations, in order: the database's `PRAGMA user_version` is how many have run. To
# change the schema, append one script; never edit a shipped one. Scripts run with foreign keys
# off (so rebuilding a parent table cannot cascade-delete its children) and are checked with
# `PRAGMA foreign_key_check` before the upgrade commits.
MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE sessions (
        id            TEXT PRIMARY KEY,
        backend       TEXT NOT NULL,
        remote_id     TEXT,
        title         TEXT NOT NULL,
        model         TEXT,
        state         TEXT NOT NULL,
        money_unit    TEXT NOT NULL CHECK (money_unit IN ('micros', 'credits')),
        created_at    REAL NOT NULL,
        last_activity REAL NOT NULL,
        final_cost    INTEGER,
        runtime_ms    INTEGER,
        closed        INTEGER NOT NULL DEFAULT 0,
        last_event_id INTEGER
    );

    CREATE TABLE events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        kind       TEXT NOT NULL,
        body       TEXT NOT NULL
    );
    CREATE INDEX events_by_session ON events (session_id, seq);
    CREATE TRIGGER events_are_append_only BEFORE UPDATE ON events
    BEGIN
        SELECT RAISE(ABORT, 'events are append-only');
    END;

    CREATE TABLE messages (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        role       TEXT NOT NULL,
        turn_id    TEXT,
        completed  INTEGER NOT NULL DEFAULT 0,
        search_stale INTEGER NOT NULL DEFAULT 0,
        UNIQUE (session_id, message_id)
    );
    CREATE INDEX messages_to_index ON messages (id) WHERE search_stale = 1;

    CREATE TABLE parts (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        part_id    TEXT NOT NULL,
        kind       TEXT NOT NULL,
        text       TEXT NOT NULL,  -- a BLOB when the text is not valid UTF-8 (see _to_sql_text)
        UNIQUE (session_id, message_id, part_id),
        FOREIGN KEY (session_id, message_id) REFERENCES messages (session_id, message_id) ON DELETE CASCADE
    );

    CREATE TABLE usage_entries (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        entry_id   TEXT NOT NULL,
        turn_id    TEXT NOT NULL,
        kind       TEXT NOT NULL,
        cost       INTEGER NOT NULL,
        unit       TEXT NOT NULL CHECK (unit IN ('micros', 'credits')),
        source     TEXT NOT NULL DEFAULT 'reported' CHECK (source IN ('reported', 'estimated')),
        UNIQUE (session_id, entry_id)
    );

    CREATE TABLE questions (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        request_id TEXT NOT NULL,
        turn_id    TEXT NOT NULL,
        questions  TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('pending', 'answered', 'rejected')),
        answers    TEXT,
        UNIQUE (session_id, request_id)
    );

    CREATE TABLE drafts (
        session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        text       TEXT NOT NULL
    );

    -- One row per message (rowid = messages.id): the message's visible text, i.e. its text parts.
    CREATE VIRTUAL TABLE message_search USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
    """,
    # 2: when each message was first stored (Unix time), for exports and search results.
    # Messages stored before this migration have none.
    """
    ALTER TABLE messages ADD COLUMN created_at REAL;
    """,
]

MATCH_START = "\x02"
"""Marks the start of a matched word in `SearchHit.snippet` (ASCII "start of text")."""
MATCH_END = "\x03"
"""Marks its end. Both are control characters: a view that forgets them strips them unseen."""

# The markers must mean only that in a snippet, so indexed text never contains them.
_WITHOUT_MARKERS = str.maketrans("", "", MATCH_START + MATCH_END)


class StoreError(Exception):
    """The store cannot do what was asked; the message says why."""


class UnknownSessionError(StoreError, LookupError):
    """Events or a draft for a session that was never saved."""


class NewerSchemaError(StoreError):
    """The database was written by a newer tui-app than this one."""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    """The app's own session id."""
    backend: str
    remote_id: str | None
    title: str
    model: str | None
    state: str
    money_unit: MoneyUnit
    created_at: float
    last_activity: float
    final_cost: int | None = None
    runtime_ms: int | None = None
    closed: bool = False
    """Ended or expired on its service: kept, read-only. (Deleting local history is `delete_session`.)"""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    message_id: str
    role: str
    text: str
    """The visible text: the message's text parts, in order."""


@dataclass(frozen=True, slots=True)
class RestoredSession:
    """A session as `Store.load_transcript` rebuilds it."""

    transcript: Transcript
    ledger_entries: list[LedgerEntry]
    """Its billable entries, as the usage ledger keys them."""
    llm_costs: dict[tuple[str, str], int]
    """Its turns' LLM costs, as the usage ledger keeps them."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    session_id: str
    message_id: str
    role: str
    snippet: str
    """Text around the match, matched words between `MATCH_START` and `MATCH_END`."""


# Events the reducer applies to messages alone, by the kind the `events` table stores.
_MESSAGE_KINDS = ", ".join(f"'{cls.__name__}'" for cls in reducer.MESSAGE_EVENTS)

# A record's fields are the table's columns of the same names (last_event_id is kept apart).
_SESSION_FIELDS = tuple(field.name for field in fields(SessionRecord))
_SESSION_COLUMNS = ", ".join(_SESSION_FIELDS)
_SESSION_UPSERT = (
    f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES ({', '.join('?' * len(_SESSION_FIELDS))})"
    " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _SESSION_FIELDS if name != "id")
)


class Store:
    """One SQLite database file. Open it once per process; a second `Store` on the same file works too."""

    def __init__(self, path: Path) -> None:
        self.path = path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (`BEGIN IMMEDIATE`), never implied by sqlite3.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
        self._lock = threading.RLock()
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL survives any crash or kill of the app; only a power cut may lose
            # the last commits, and never corrupts. FULL would fsync on every streamed token.
            self._db.execute("PRAGMA synchronous = NORMAL")
            # Deleted history is overwritten in the pages it lived on, when that costs no extra I/O.
            self._db.execute("PRAGMA secure_delete = FAST")
            self._migrate()
            self._db.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            self._db.close()
            raise

    @staticmethod
    def default_path() -> Path:
        return platformdirs.user_data_path("tui-app") / "tui-app.db"

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- transactions and migrations

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def _migrate(self) -> None:
        # Read at call time, not import time: a test can append a migration.
        migrations = list(MIGRATIONS)
        newest = len(migrations)
        with self._write() as db:
            version: int = db.execute("PRAGMA user_version").fetchone()[0]
            if version > newest:
                raise NewerSchemaError(
                    f"{self.path} was written by a newer tui-app (schema {version}; this one knows up to"
                    f" {newest}). Upgrade tui-app, or open another database."
                )
            if version == newest:
                return
            if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                self._back_up(f"{self.path.name}.backup-v{version}")
            for script in migrations[version:]:
                for statement in _statements(script):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {newest}")
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(f"migrating {self.path} to schema {newest} broke foreign keys: {broken[:5]}")

    def _back_up(self, name: str) -> None:
        """Copy the database (WAL content included) beside it, atomically: a half copy never replaces a whole one."""
        target = self.path.with_name(name)
        partial = target.with_name(f"{name}.partial")
        partial.unlink(missing_ok=True)
        # Read through a second connection: ours holds the write lock (so nothing changes under
        # the copy), and a backup from a connection inside a write transaction never finishes.
        source, copy = sqlite3.connect(self.path), sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.replace(partial, target)

    # -- sessions

    def save_session(self, record: SessionRecord) -> None:
        """Insert or update the session. Its events, draft and last event id are left as they are."""
        with self._write() as db:
            db.execute(_SESSION_UPSERT, tuple(getattr(record, name) for name in _SESSION_FIELDS))

    def sessions(self) -> list[SessionRecord]:
        """Every session, oldest first."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY created_at, id").fetchall()
        return [_session_record(row) for row in rows]

    def session(self, session_id: str) -> SessionRecord | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return None if row is None else _session_record(row)

    def delete_session(self, session_id: str) -> None:
        """Delete the session and everything of it, for good: the user's "delete local history"."""
        with self._write() as db:
            # The search index is a virtual table: no foreign key can cascade into it.
            db.execute(
                "DELETE FROM message_search WHERE rowid IN (SELECT id FROM messages WHERE session_id = ?)",
                (session_id,),
            )
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # -- events and their projections

    def append_events(self, session_id: str, events: Sequence[DomainEvent], last_event_id: int | None = None) -> None:
        """Append `events` in order, update the projections, and record `last_event_id` if given.

        Raises `UnknownSessionError` if the session was not saved first.
        """
        with self._write() as db:
            unit = _money_unit(db, session_id)
            projection = _Projection(db, session_id, unit)
            rows = []
            for event in events:
                stored = projection.apply(event)
                rows.append((session_id, type(stored).__name__, encode(stored)))
            db.executemany("INSERT INTO events (session_id, kind, body) VALUES (?, ?, ?)", rows)
            projection.finish()
            if last_event_id is not None:
                # Stored as given, never max()ed: a server whose ids restarted must not make us
                # skip its new events. Resuming from too early only replays what is deduplicated.
                db.execute("UPDATE sessions SET last_event_id = ? WHERE id = ?", (last_event_id, session_id))

    def load_events(self, session_id: str) -> list[DomainEvent]:
        """Every event of the session, in the order appended.

        Each comes back as appended, except a part update whose full text only extended the
        part's text: it comes back as the delta it amounted to (see `_compact`). Replaying the
        list through the reducer gives the very transcript the appended events gave.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
        return [decode(body) for (body,) in rows]

    def load_transcript(self, session_id: str) -> RestoredSession:
        """The session as a replay of all its events through the reducer and the usage ledger
        would rebuild it, without that replay.

        The reducer keeps messages apart from turns and questions (`transcript.MESSAGE_EVENTS`),
        so the messages come from their projections, which say what a replay would (see
        `_Projection`); so do the ledger's entries. Only the few events about turns and questions
        are decoded and replayed, and of a turn's usage reports (a running turn sends one every
        few tokens) only the one the reducer would keep: SQLite reads the two figures that decide
        it from each report's JSON, and Python decodes the winner alone.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT m.message_id, m.role, m.turn_id, m.completed, p.part_id, p.kind, p.text"
                " FROM messages AS m LEFT JOIN parts AS p"
                " ON p.session_id = m.session_id AND p.message_id = m.message_id"
                " WHERE m.session_id = ? ORDER BY m.id, p.id",
                (session_id,),
            ).fetchall()
            others = self._db.execute(
                "SELECT seq, kind, CASE kind WHEN 'UsageReported' THEN NULL ELSE body END,"
                " json_extract(body, '$.fields.turn_id'),"
                " json_extract(body, '$.fields.usage.total_cost_micros'),"
                " json_extract(body, '$.fields.usage.output_tokens')"
                f" FROM events WHERE session_id = ? AND kind NOT IN ({_MESSAGE_KINDS}) ORDER BY seq",
                (session_id,),
            ).fetchall()
            llm_rows = self._db.execute(
                "SELECT json_extract(body, '$.fields.turn_id'), max(json_extract(body, '$.fields.usage.llm_cost_micros'))"
                " FROM events WHERE session_id = ? AND kind = 'UsageReported'"
                " AND json_extract(body, '$.fields.usage.llm_cost_micros') IS NOT NULL GROUP BY 1",
                (session_id,),
            ).fetchall()
        transcript = reducer.apply_all(Transcript(messages=_messages_from_rows(rows)), self._turn_events(others))
        llm_costs = {(session_id, turn): max(cost, 0) for turn, cost in llm_rows if isinstance(cost, int)}
        return RestoredSession(transcript, self.usage_entries(session_id), llm_costs)

    def _turn_events(self, rows: list[tuple[Any, ...]]) -> list[DomainEvent]:
        """The events of `rows` (seq, kind, body or None, turn id, cost, output tokens) to replay:
        every one but the usage reports the reducer would not keep (`reducer.keeps_usage`)."""
        kept: dict[str, tuple[tuple[int, int], int]] = {}
        for seq, kind, _, turn, total, output in rows:
            if kind != "UsageReported":
                continue
            if not isinstance(turn, str) or not isinstance(output, int) or not isinstance(total, int | None):
                return self._decode_all(rows)  # not as this app writes it: replay it all
            key = (total or 0, output)
            known = kept.get(turn)
            if known is None or not key < known[0]:
                kept[turn] = (key, seq)
        winners: dict[int, str] = {}
        if kept:
            seqs = [seq for _, seq in kept.values()]
            with self._lock:
                for start in range(0, len(seqs), 500):
                    chunk = seqs[start : start + 500]
                    winners.update(
                        self._db.execute(
                            f"SELECT seq, body FROM events WHERE seq IN ({', '.join('?' * len(chunk))})", chunk
                        ).fetchall()
                    )
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
                    return self._decode_all(rows)
                events.append(winner)
        return events

    def _decode_all(self, rows: list[tuple[Any, ...]]) -> list[DomainEvent]:
        seqs = [row[0] for row in rows]
        with self._lock:
            bodies = dict(
                row
                for start in range(0, len(seqs), 500)
                for row in self._db.execute(
                    f"SELECT seq, body FROM events WHERE seq IN ({', '.join('?' * len(seqs[start : start + 500]))})",
                    seqs[start : start + 500],
                ).fetchall()
            )
        return [decode(bodies[seq]) for seq in seqs]

    def last_event_id(self, session_id: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT last_event_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return None if row is None else row[0]

    def messages(self, session_id: str) -> list[StoredMessage]:
        """The session's messages in order, with their visible text (from the projections)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT m.id, m.message_id, m.role, p.kind, p.text FROM messages AS m"
                " LEFT JOIN parts AS p ON p.session_id = m.session_id AND p.message_id = m.message_id"
                " WHERE m.session_id = ? ORDER BY m.id, p.id",
                (session_id,),
            ).fetchall()
        found: dict[int, tuple[str, str, list[str]]] = {}
        for row_id, message_id, role, kind, text in rows:
            _, _, texts = found.setdefault(row_id, (message_id, role, []))
            if kind == "text":
                texts.append(_from_sql_text(text))
        return [StoredMessage(message_id, role, "".join(texts)) for message_id, role, texts in found.values()]

    def message_times(self, session_id: str) -> dict[str, float | None]:
        """When each message of the session was first stored (Unix time; None if not recorded)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT message_id, created_at FROM messages WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return dict(rows)

    def usage_entries(self, session_id: str | None = None) -> list[LedgerEntry]:
        """Billable entries of one session (or all), as the usage ledger keys them, oldest first."""
        query = "SELECT entry_id, session_id, turn_id, kind, cost, unit, source FROM usage_entries"
        with self._lock:
            if session_id is None:
                rows = self._db.execute(f"{query} ORDER BY id").fetchall()
            else:
                rows = self._db.execute(f"{query} WHERE session_id = ? ORDER BY id", (session_id,)).fetchall()
        return [LedgerEntry(entry_id, *rest) for entry_id, *rest in rows]

    def questions(self, session_id: str) -> list[AskedQuestion]:
        """Every question the agent asked in the session, oldest first, with what became of it."""
        with self._lock:
            rows = self._db.execute(
                "SELECT request_id, turn_id, questions, state, answers FROM questions WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        return [
            AskedQuestion(
                request_id,
                turn_id,
                from_json_data(json.loads(questions), tuple[Question, ...]),
                state,
                _answers(answers),
            )
            for request_id, turn_id, questions, state, answers in rows
        ]

    # -- drafts

    def save_draft(self, session_id: str, text: str) -> None:
        """Keep what the user is typing; an empty `text` clears it."""
        with self._write() as db:
            if not text:
                db.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
                return
            _money_unit(db, session_id)  # a clear error rather than a foreign key failure
            db.execute(
                "INSERT INTO drafts (session_id, text) VALUES (?, ?)"
                " ON CONFLICT (session_id) DO UPDATE SET text = excluded.text",
                (session_id, _to_sql_text(text)),
            )

    def draft(self, session_id: str) -> str:
        with self._lock:
            row = self._db.execute("SELECT text FROM drafts WHERE session_id = ?", (session_id,)).fetchone()
        return "" if row is None else _from_sql_text(row[0])

    # -- search

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Messages containing every word of `query`, best first. Any text a person types is safe."""
        expression = _match_expression(query)
        if not expression:
            return []
        with self._lock:
            self._index_stale_messages()
            rows = self._db.execute(
                "SELECT m.session_id, m.message_id, m.role, snippet(message_search, 0, ?, ?, '…', 16)"
                " FROM message_search JOIN messages AS m ON m.id = message_search.rowid"
                " WHERE message_search MATCH ? ORDER BY rank LIMIT ?",
                (MATCH_START, MATCH_END, expression, limit),
            ).fetchall()
        return [SearchHit(*row) for row in rows]

    def _index_stale_messages(self) -> None:
        """Index the messages still in flight, so a search sees all the text stored so far."""
        if self._db.execute("SELECT 1 FROM messages WHERE search_stale = 1 LIMIT 1").fetchone() is None:
            return  # the usual case, answered from a partial index without taking the write lock
        with self._write() as db:
            stale = db.execute("SELECT id, session_id, message_id FROM messages WHERE search_stale = 1").fetchall()
            for row_id, session_id, message_id in stale:
                _index_message(db, row_id, session_id, message_id)


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


class _Projection:
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
                return self._reduce_message(event, message_id, part_id)
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
            self.parts[key] = _PartRow(row[0], Part(part_id, row[1], _from_sql_text(row[2])))
        return self.parts[key]

    def _add_part(self, message_id: str, part: Part) -> None:
        # Inserted at once (only later changes wait for `finish`), so rows keep the order in
        # which the reducer appends parts.
        cursor = self.db.execute(
            "INSERT INTO parts (session_id, message_id, part_id, kind, text) VALUES (?, ?, ?, ?, ?)",
            (self.session_id, message_id, part.id, part.kind, _to_sql_text(part.text)),
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
                AskedQuestion(request, turn, (), state, _answers(answers)) for _, request, turn, state, answers in rows
            )
        )
        row_ids = {request: row_id for row_id, request, *_ in rows}
        old = {q.id: q for q in before.questions}
        for new in reducer.apply(before, event).questions:
            if new.id not in old:
                self.db.execute(
                    "INSERT INTO questions (session_id, request_id, turn_id, questions, state, answers)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (self.session_id, new.id, new.turn_id, _json(new.questions), new.state, _json(new.answers)),
                )
            elif new != old[new.id]:
                self.db.execute(
                    "UPDATE questions SET turn_id = ?, state = ?, answers = ? WHERE id = ?",
                    (new.turn_id, new.state, _json(new.answers), row_ids[new.id]),
                )
                if new.questions != old[new.id].questions:
                    self.db.execute(
                        "UPDATE questions SET questions = ? WHERE id = ?", (_json(new.questions), row_ids[new.id])
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
        marks = ", ".join("?" * len(named))
        known = {
            entry_id: LedgerEntry(entry_id, self.session_id, turn, kind, cost, unit, source)
            for entry_id, turn, kind, cost, unit, source in self.db.execute(
                "SELECT entry_id, turn_id, kind, cost, unit, source FROM usage_entries"
                f" WHERE session_id = ? AND entry_id IN ({marks})",
                (self.session_id, *named),
            )
        }
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

    # -- the end of a call

    def finish(self) -> None:
        """Write the parts changed in this call, and bring the search index up to date."""
        for part in self.parts.values():
            if part.dirty:
                self.db.execute(
                    "UPDATE parts SET kind = ?, text = ? WHERE id = ?",
                    (part.part.kind, _to_sql_text(part.part.text), part.row_id),
                )
        for message_id, message in self.messages.items():
            if message.row_id not in self.touched:
                continue
            if message.message.completed:
                _index_message(self.db, message.row_id, self.session_id, message_id)
            else:
                # Re-indexing a growing reply on every token would cost O(n²); a message in
                # flight is indexed when it completes, or by the next search, whichever is first.
                self.db.execute("UPDATE messages SET search_stale = 1 WHERE id = ?", (message.row_id,))


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
            parts.append(Part(part_id, kind, _from_sql_text(text)))
    if current is not None:
        messages.append(Message(current[0], current[1], current[2], tuple(parts), current[3]))
    return tuple(messages)


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


def _index_message(db: sqlite3.Connection, row_id: int, session_id: str, message_id: str) -> None:
    """Replace the message's row in the search index with its visible text (its text parts)."""
    texts = db.execute(
        "SELECT text FROM parts WHERE session_id = ? AND message_id = ? AND kind = 'text' ORDER BY id",
        (session_id, message_id),
    ).fetchall()
    text = "".join(_from_sql_text(text) for (text,) in texts)
    # The index holds UTF-8 only, and never the snippet markers.
    text = text.encode("utf-8", "replace").decode("utf-8").translate(_WITHOUT_MARKERS)
    db.execute("DELETE FROM message_search WHERE rowid = ?", (row_id,))
    if text:
        db.execute("INSERT INTO message_search (rowid, text) VALUES (?, ?)", (row_id, text))
    db.execute("UPDATE messages SET search_stale = 0 WHERE id = ?", (row_id,))


def _answers(text: str | None) -> tuple[tuple[str, ...], ...] | None:
    return None if text is None else from_json_data(json.loads(text), tuple[tuple[str, ...], ...])


def _money_unit(db: sqlite3.Connection, session_id: str) -> MoneyUnit:
    row = db.execute("SELECT money_unit FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise UnknownSessionError(f"session {session_id!r} is not in the store: save_session() it first")
    unit: MoneyUnit = row[0]
    return unit


def _session_record(row: tuple[Any, ...]) -> SessionRecord:
    values = dict(zip(_SESSION_FIELDS, row, strict=True))
    values["closed"] = bool(values["closed"])  # stored as 0 or 1
    return SessionRecord(**values)


def _json(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(to_json_data(value), separators=(",", ":"))


def _to_sql_text(text: str) -> str | bytes:
    """`text` as SQLite can hold it, losslessly.

    A lone surrogate (legal in a Python str, and in wire JSON) is not UTF-8, and SQLite's TEXT
    is: such a text is kept as a BLOB of its UTF-8 with the surrogates passed through.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def _from_sql_text(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def _match_expression(query: str) -> str:
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


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration script, one by one.

    `executescript` would commit the migration's transaction first, so the script is split here
    (`complete_statement` knows a trigger's `;` from a statement's end).
    """
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                yield buffer
            buffer = ""
    if _has_code(buffer):
        raise ValueError(f"migration script ends in an incomplete statement: {buffer.strip()[:80]!r}")


def _has_code(sql: str) -> bool:
    lines = (line.split("--", 1)[0] for line in sql.splitlines())
    return any(line.strip(" \t;") for line in lines)
