"""SQLite persistence: sessions, their events, read-side projections, search and drafts.

The `events` table is the record: every domain event, append-only, in order, so replaying it
through the reducer rebuilds a transcript exactly. The other tables are projections of it,
written in the same transaction, for what must not need a replay: export, search, cost totals
across sessions, pending questions.

Each public call is one short transaction. The store is synchronous and guarded by a lock, so
it can be called from the event loop or a worker thread.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

from tui_app.core.event_codec import decode, encode, from_json_data, to_json_data
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionSettled,
    Role,
    TurnCompleted,
    UsageReported,
    UserMessageSent,
)
from tui_app.core.transcript import AskedQuestion
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit

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
        text       TEXT NOT NULL,
        exact      INTEGER NOT NULL DEFAULT 1,
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
class SearchHit:
    session_id: str
    message_id: str
    role: str
    snippet: str
    """Text around the match, matched words between `MATCH_START` and `MATCH_END`."""


_SESSION_COLUMNS = (
    "id, backend, remote_id, title, model, state, money_unit, created_at, last_activity,"
    " final_cost, runtime_ms, closed"
)


class Store:
    """One SQLite database file. Open it once per process; a second `Store` on the same file works too."""

    def __init__(self, path: Path) -> None:
        self.path = path
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

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- transactions and migrations

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction holding the write lock from the start, so it never fails half way on BUSY."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT leaves the transaction open; end it so the next call can begin.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

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
        copy = sqlite3.connect(partial)
        try:
            self._db.backup(copy)
        finally:
            copy.close()
        os.replace(partial, target)

    # -- sessions

    def save_session(self, record: SessionRecord) -> None:
        """Insert or update the session. Its events, draft and last event id are left as they are."""
        with self._write() as db:
            db.execute(
                f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET backend = excluded.backend, remote_id = excluded.remote_id,"
                " title = excluded.title, model = excluded.model, state = excluded.state,"
                " money_unit = excluded.money_unit, created_at = excluded.created_at,"
                " last_activity = excluded.last_activity, final_cost = excluded.final_cost,"
                " runtime_ms = excluded.runtime_ms, closed = excluded.closed",
                (
                    record.id,
                    record.backend,
                    record.remote_id,
                    record.title,
                    record.model,
                    record.state,
                    record.money_unit,
                    record.created_at,
                    record.last_activity,
                    record.final_cost,
                    record.runtime_ms,
                    int(record.closed),
                ),
            )

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

    def append_events(
        self, session_id: str, events: Sequence[DomainEvent], last_event_id: int | None = None
    ) -> None:
        """Append `events` in order, update the projections, and record `last_event_id` if given.

        Raises `UnknownSessionError` if the session was not saved first.
        """
        with self._write() as db:
            unit = _money_unit(db, session_id)
            projection = _Projection(db, session_id, unit)
            for event in events:
                stored = projection.apply(event)
                db.execute(
                    "INSERT INTO events (session_id, kind, body) VALUES (?, ?, ?)",
                    (session_id, type(stored).__name__, encode(stored)),
                )
            projection.finish()
            if last_event_id is not None:
                # Stored as given, never max()ed: a server whose ids restarted must not make us
                # skip its new events. Resuming from too early only replays what is deduplicated.
                db.execute("UPDATE sessions SET last_event_id = ? WHERE id = ?", (last_event_id, session_id))

    def load_events(self, session_id: str) -> list[DomainEvent]:
        """Every event of the session, in the order appended."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
        return [decode(body) for (body,) in rows]

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
                texts.append(text)
        return [StoredMessage(message_id, role, "".join(texts)) for message_id, role, texts in found.values()]

    def usage_entries(self, session_id: str | None = None) -> list[LedgerEntry]:
        """Billable entries of one session (or all), as the usage ledger keys them, oldest first."""
        query = "SELECT session_id, entry_id, turn_id, kind, cost, unit, source FROM usage_entries"
        with self._lock:
            if session_id is None:
                rows = self._db.execute(f"{query} ORDER BY id").fetchall()
            else:
                rows = self._db.execute(f"{query} WHERE session_id = ? ORDER BY id", (session_id,)).fetchall()
        return [
            LedgerEntry(f"{sid}/{entry_id}", sid, turn_id, kind, cost, unit, source)
            for sid, entry_id, turn_id, kind, cost, unit, source in rows
        ]

    def questions(self, session_id: str) -> list[AskedQuestion]:
        """Every question the agent asked in the session, oldest first, with what became of it."""
        with self._lock:
            rows = self._db.execute(
                "SELECT request_id, turn_id, questions, state, answers FROM questions"
                " WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        return [
            AskedQuestion(
                request_id,
                turn_id,
                from_json_data(json.loads(questions), tuple[Question, ...]),
                state,
                None if answers is None else from_json_data(json.loads(answers), tuple[tuple[str, ...], ...]),
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
                (session_id, _storable(text)),
            )

    def draft(self, session_id: str) -> str:
        with self._lock:
            row = self._db.execute("SELECT text FROM drafts WHERE session_id = ?", (session_id,)).fetchone()
        return "" if row is None else row[0]

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
        stale = self._db.execute("SELECT id, session_id, message_id FROM messages WHERE search_stale = 1").fetchall()
        if not stale:
            return
        with self._write() as db:
            for row_id, session_id, message_id in stale:
                _index_message(db, row_id, session_id, message_id)


@dataclass(slots=True)
class _PartRow:
    """A part as the `parts` table holds it, cached for the length of one call."""

    row_id: int
    kind: str
    text: str
    exact: bool
    """Whether `text` is exactly the reducer's text (false once an unstorable character was replaced)."""
    dirty: bool = False


class _Projection:
    """Keeps the read-side tables of one session in step with its events, inside one transaction.

    Each rule mirrors the reducer (`core/transcript.py`) or the usage ledger, so the projections
    say what a replay would; tests hold them together. Part texts are written once per call, not
    once per event, so a caller that appends a batch of streamed tokens pays for one write.
    """

    def __init__(self, db: sqlite3.Connection, session_id: str, unit: MoneyUnit) -> None:
        self.db = db
        self.session_id = session_id
        self.unit = unit
        self.message_rows: dict[str, int] = {}
        self.parts: dict[tuple[str, str], _PartRow] = {}
        # Messages whose visible text changed or that completed in this call, by row id.
        self.touched: dict[int, str] = {}

    def apply(self, event: DomainEvent) -> DomainEvent:
        """Project `event`; return it as it is to be stored (see `_apply_part`)."""
        db, sid = self.db, self.session_id
        match event:
            case UserMessageSent(message_id=message_id, text=text):
                if self._message_row(message_id) is None:
                    row_id = self._add_message(message_id, "user", None, completed=True)
                    self._add_part(message_id, f"{message_id}:text", "text", text)
                    self.touched[row_id] = message_id
            case MessageCreated(turn_id=turn_id, message_id=message_id, role=role):
                if self._message_row(message_id) is None:
                    self._add_message(message_id, role, turn_id)
            case PartUpdated():
                return self._apply_part(event)
            case MessageCompleted(message_id=message_id):
                row_id = self._message_row(message_id)
                if row_id is not None:
                    db.execute("UPDATE messages SET completed = 1 WHERE id = ?", (row_id,))
                    self.touched[row_id] = message_id
            case UsageReported(turn_id=turn_id, usage=usage):
                # As UsageLedger.record: the entries, or else the turn's total as one entry; a
                # later report of an entry replaces it unless it would lower the cost.
                entries = [(e.id, e.kind, e.cost_micros) for e in usage.entries]
                if not entries and usage.total_cost_micros is not None:
                    entries = [(f"{turn_id}:total", "total", usage.total_cost_micros)]
                for entry_id, kind, cost in entries:
                    db.execute(
                        "INSERT INTO usage_entries (session_id, entry_id, turn_id, kind, cost, unit)"
                        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, entry_id) DO UPDATE SET"
                        " turn_id = excluded.turn_id, kind = excluded.kind, cost = excluded.cost,"
                        " unit = excluded.unit WHERE excluded.cost >= usage_entries.cost",
                        (sid, entry_id, turn_id, kind, cost, self.unit),
                    )
            case QuestionAsked(turn_id=turn_id, request_id=request_id, questions=questions):
                db.execute(
                    "INSERT INTO questions (session_id, request_id, turn_id, questions, state)"
                    " VALUES (?, ?, ?, ?, 'pending') ON CONFLICT (session_id, request_id) DO NOTHING",
                    (sid, request_id, turn_id, _json(questions)),
                )
            case QuestionSettled(request_id=request_id, answers=answers):
                state = "rejected" if answers is None else "answered"
                db.execute(
                    "UPDATE questions SET state = ?, answers = ?"
                    " WHERE session_id = ? AND request_id = ? AND state = 'pending'",
                    (state, None if answers is None else _json(answers), sid, request_id),
                )
            case TurnCompleted(turn_id=turn_id):
                # A turn that ends leaves none of its questions waiting.
                db.execute(
                    "UPDATE questions SET state = 'rejected' WHERE session_id = ? AND turn_id = ? AND state = 'pending'",
                    (sid, turn_id),
                )
            case _:
                pass
        return event

    def _apply_part(self, event: PartUpdated) -> DomainEvent:
        """Update the part's full text, and return the event to store.

        Both services send a part's full text so far with every token. Stored as sent, a reply
        of n tokens would take O(n²) bytes (a 20k-token reply: ~800 MB). So an update whose text
        only extends what the part already holds is stored as the delta it amounts to: the
        reducer builds the same text from it, and nothing is lost.
        """
        if self._message_row(event.message_id) is None:
            self._add_message(event.message_id, "assistant", event.turn_id)
        key = (event.message_id, event.part_id)
        part = self._part(key)
        # The reducer's rule: a full text wins, else a delta appends, else nothing changes.
        if event.text is not None:
            text, exact = event.text, _storable(event.text) is event.text
        elif event.delta:
            old, old_exact = ("", True) if part is None else (part.text, part.exact)
            text, exact = old + event.delta, old_exact and _storable(event.delta) is event.delta
        else:
            return event
        stored: DomainEvent = event
        if part is None:
            self._add_part(event.message_id, event.part_id, event.kind, text)
        else:
            if (
                event.text is not None
                and part.exact
                and text.startswith(part.text)
                # A delta-less update changes no kind in the reducer: keep one that does.
                and (len(text) > len(part.text) or event.kind == part.kind)
            ):
                stored = replace(event, text=None, delta=text[len(part.text) :] or None)
            part.kind, part.text, part.exact, part.dirty = event.kind, _storable(text), exact, True
        self.touched[self.message_rows[event.message_id]] = event.message_id
        return stored

    def finish(self) -> None:
        """Write the parts changed in this call, and bring the search index up to date."""
        for part in self.parts.values():
            if part.dirty:
                self.db.execute(
                    "UPDATE parts SET kind = ?, text = ?, exact = ? WHERE id = ?",
                    (part.kind, part.text, int(part.exact), part.row_id),
                )
        for row_id, message_id in self.touched.items():
            (completed,) = self.db.execute("SELECT completed FROM messages WHERE id = ?", (row_id,)).fetchone()
            if completed:
                _index_message(self.db, row_id, self.session_id, message_id)
            else:
                # Re-indexing a growing reply on every token would cost O(n²); a message in
                # flight is indexed when it completes, or by the next search, whichever is first.
                self.db.execute("UPDATE messages SET search_stale = 1 WHERE id = ?", (row_id,))

    def _message_row(self, message_id: str) -> int | None:
        if message_id not in self.message_rows:
            row = self.db.execute(
                "SELECT id FROM messages WHERE session_id = ? AND message_id = ?", (self.session_id, message_id)
            ).fetchone()
            if row is None:
                return None
            self.message_rows[message_id] = int(row[0])
        return self.message_rows[message_id]

    def _add_message(self, message_id: str, role: Role, turn_id: str | None, completed: bool = False) -> int:
        cursor = self.db.execute(
            "INSERT INTO messages (session_id, message_id, role, turn_id, completed) VALUES (?, ?, ?, ?, ?)",
            (self.session_id, message_id, role, turn_id, int(completed)),
        )
        assert cursor.lastrowid is not None
        self.message_rows[message_id] = cursor.lastrowid
        return cursor.lastrowid

    def _part(self, key: tuple[str, str]) -> _PartRow | None:
        if key not in self.parts:
            row = self.db.execute(
                "SELECT id, kind, text, exact FROM parts WHERE session_id = ? AND message_id = ? AND part_id = ?",
                (self.session_id, *key),
            ).fetchone()
            if row is None:
                return None
            self.parts[key] = _PartRow(row[0], row[1], row[2], bool(row[3]))
        return self.parts[key]

    def _add_part(self, message_id: str, part_id: str, kind: str, text: str) -> None:
        # Inserted at once (only later changes wait for `finish`), so parts keep the order in
        # which the reducer appends them.
        stored = _storable(text)
        cursor = self.db.execute(
            "INSERT INTO parts (session_id, message_id, part_id, kind, text, exact) VALUES (?, ?, ?, ?, ?, ?)",
            (self.session_id, message_id, part_id, kind, stored, int(stored is text)),
        )
        assert cursor.lastrowid is not None
        self.parts[(message_id, part_id)] = _PartRow(cursor.lastrowid, kind, stored, stored is text)


def _index_message(db: sqlite3.Connection, row_id: int, session_id: str, message_id: str) -> None:
    """Replace the message's row in the search index with its visible text (its text parts)."""
    texts = db.execute(
        "SELECT text FROM parts WHERE session_id = ? AND message_id = ? AND kind = 'text' ORDER BY id",
        (session_id, message_id),
    ).fetchall()
    text = "".join(text for (text,) in texts).translate(_WITHOUT_MARKERS)
    db.execute("DELETE FROM message_search WHERE rowid = ?", (row_id,))
    if text:
        db.execute("INSERT INTO message_search (rowid, text) VALUES (?, ?)", (row_id, text))
    db.execute("UPDATE messages SET search_stale = 0 WHERE id = ?", (row_id,))


def _money_unit(db: sqlite3.Connection, session_id: str) -> MoneyUnit:
    row = db.execute("SELECT money_unit FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise UnknownSessionError(f"session {session_id!r} is not in the store: save_session() it first")
    unit: MoneyUnit = row[0]
    return unit


def _session_record(row: tuple[Any, ...]) -> SessionRecord:
    *fields, closed = row
    return SessionRecord(*fields, closed=bool(closed))


def _json(value: object) -> str:
    return json.dumps(to_json_data(value), separators=(",", ":"))


def _storable(text: str) -> str:
    """`text` as SQLite can hold it: a lone surrogate (valid in a str, not in UTF-8) becomes "?".

    Only projections pass through here; the event itself keeps every character (its JSON is ASCII).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


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
