"""The session store: one SQLite file holding sessions, their events, read-side projections,
search and drafts. This module is the facade; each job lives in its own module (schema.py and
migrations.py, event_log.py, projection.py, restore.py, search.py, drafts.py).

Writes (save_session, append_events, save_draft, delete_session) return at once: one writer
thread (background_writer.py) does them in order and keeps them until they are written, however
long the database stays locked, full or read-only, and reports the store's health to listeners.
Reads run on the caller's thread, on a connection of their own, and first wait for the writes
already handed over, so a read right after a write sees it. While writes fail, reads do not
wait: they see what is saved, plus the pending sessions and drafts (`session`, `sessions`,
`draft`, `last_event_id`); the other reads see what is saved until the writes succeed.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

import platformdirs

from tui_app.core.events import DomainEvent
from tui_app.core.transcript import AskedQuestion
from tui_app.core.usage_ledger import LedgerEntry
from tui_app.persistence import drafts, event_log, projection_reads, restore, schema, search, sessions_table
from tui_app.persistence.append_batches import AppendBatches
from tui_app.persistence.connection_settings import with_small_cache
from tui_app.persistence.background_writer import BackgroundWriter, PendingWrite, SessionGone
from tui_app.persistence.errors import NewerSchemaError, StoreDamaged, StoreError, UnknownSessionError
from tui_app.persistence.migrations import migrate
from tui_app.persistence.records import RestoredSession, SearchHit, SessionRecord, StoredMessage
from tui_app.persistence.search import MATCH_END, MATCH_START
from tui_app.persistence.store_health import StoreHealth

__all__ = [
    "MATCH_END",
    "MATCH_START",
    "NewerSchemaError",
    "RestoredSession",
    "SearchHit",
    "SessionRecord",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreHealth",
    "StoredMessage",
    "UnknownSessionError",
]

log = logging.getLogger(__name__)

# How long the writer waits for another program's lock before it reports "locked" and retries
# later; short, since nobody waits on it, and the report is what a person needs.
WRITER_BUSY_SECONDS = 1.0
# How long opening (and a read) waits for another program's lock before giving up.
OPEN_BUSY_SECONDS = 10.0

P = TypeVar("P")
S = TypeVar("S")


def check_intact(db: sqlite3.Connection, path: Path) -> None:
    """Raise `StoreDamaged` unless SQLite's quick check passes. A damaged header fails at the
    first statement; pages damaged in the middle fail only when a read reaches them, so without
    this the app and the commands would die there, at any moment, with a traceback."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(1)")]
    except sqlite3.OperationalError:
        raise  # locked or busy: not damage, and open_store says so
    except sqlite3.DatabaseError as error:
        raise StoreDamaged(f"{path} is damaged: {error}") from error
    if problems != ["ok"]:
        # SQLite's report spans lines ("*** in database main ***\nPage 77: ..."): one line here.
        found = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
        raise StoreDamaged(f"{path} is damaged: {found[:200]}")


class Store:
    """One SQLite database file. Open it once per process; a second `Store` on the same file works too."""

    def __init__(self, path: Path) -> None:
        self.path = path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (`BEGIN IMMEDIATE`), never implied by sqlite3.
        writer_db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=OPEN_BUSY_SECONDS)
        try:
            writer_db.execute("PRAGMA journal_mode = WAL")
            with_small_cache(writer_db)
            check_intact(writer_db, path)
            # In WAL mode NORMAL survives any crash or kill of the app; only a power cut may lose
            # the last commits, and never corrupts. FULL would fsync on every streamed token.
            writer_db.execute("PRAGMA synchronous = NORMAL")
            # Deleted history is overwritten in the pages it lived on, when that costs no extra I/O.
            writer_db.execute("PRAGMA secure_delete = FAST")
            # Read at call time, not import time: a test can append a migration.
            migrate(writer_db, threading.RLock(), path, schema.MIGRATIONS, back_up=True)
            writer_db.execute("PRAGMA foreign_keys = ON")
            writer_db.execute(f"PRAGMA busy_timeout = {int(WRITER_BUSY_SECONDS * 1000)}")
            self._read_db = with_small_cache(
                sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=OPEN_BUSY_SECONDS)
            )
        except BaseException:
            writer_db.close()
            raise
        self._read_lock = threading.RLock()
        # Sessions this store found in the database or wrote there: if one's row disappears,
        # another program deleted it, and writing it again would resurrect a partial record.
        self._persisted: set[str] = set()
        # Sessions handed to save_session: they may not be written yet, but are not unknown.
        self._known: set[str] = set()
        self._deleted_here: set[str] = set()
        # What is handed over but maybe not written, for the reads that overlay it while writes fail.
        self._pending_records: dict[str, SessionRecord] = {}
        self._pending_drafts: dict[str, str] = {}
        self._pending_event_ids: dict[str, int] = {}
        self._pending_lock = threading.Lock()
        self._writer = BackgroundWriter(writer_db, name=f"store-writer {path.name}")
        self._appends = AppendBatches()
        self._closed = False

    @staticmethod
    def default_path() -> Path:
        return platformdirs.user_data_path("tui-app") / "tui-app.db"

    def close(self, timeout: float | None = 10.0) -> bool:
        """Write what is pending (waiting at most `timeout` seconds), then close; True if nothing
        was left unsaved. A caller that must not lose anything checks `flush()` or `unsaved()`
        first (and asks the user)."""
        if self._closed:
            return True
        self._closed = True
        problem = self._writer.health().problem
        left = self._writer.close(timeout)
        if left:
            log.error("closed the store %s with %d changes unsaved (%s)", self.path, left, problem)
        with self._read_lock:
            self._read_db.close()
        return left == 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- health

    def add_health_listener(self, callback: Callable[[StoreHealth], None]) -> Callable[[], None]:
        """Call `callback(health)` whenever writes start failing, fail for another reason, succeed
        again, or find a session deleted by another program (`StoreHealth.deleted_elsewhere`).
        While writes fail it is also called when the count still unsaved changes.

        The callback runs on the store's writer thread: it must return quickly and must not call
        `close`; `flush` and reads do not wait there (reads see what is saved). A UI marshals it
        to its own loop. Returns the unsubscribe call.
        """
        return self._writer.add_listener(callback)

    def health(self) -> StoreHealth:
        return self._writer.health()

    def unsaved(self) -> int:
        """How many writes are handed over but not yet in the database."""
        return self._writer.unsaved()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything handed over is written (for quit and export); False on timeout."""
        return self._writer.wait(timeout)

    def _writer_pragma(self, pragma: str) -> None:
        """For tests: run `PRAGMA <pragma>` on the writer's connection, ahead of its queue. The way
        to fill the disk (`max_page_count = N`) or make the file read-only (`query_only = 1`)."""
        self._writer.run_on_connection(lambda db: db.execute(f"PRAGMA {pragma}"))

    # -- writes: handed to the writer, never waited for

    def save_session(self, record: SessionRecord) -> None:
        """Insert or update the session. Its events, draft and last event id are left as they are."""
        session_id = record.id
        if self._dropped(session_id):
            return
        self._known.add(session_id)
        self._appends.close(session_id)
        with self._pending_lock:
            self._pending_records[session_id] = record

        def write(db: sqlite3.Connection) -> None:
            if session_id in self._persisted and not sessions_table.session_exists(db, session_id):
                raise SessionGone(session_id)
            sessions_table.upsert_session(db, record)
            self._persisted.add(session_id)
            with self._pending_lock:
                if self._pending_records.get(session_id) is record:
                    del self._pending_records[session_id]

        self._writer.submit(PendingWrite(session_id, write))

    def delete_session(self, session_id: str) -> None:
        """Delete the session and everything of it, for good: the user's "delete local history"."""
        self._deleted_here.add(session_id)
        self._known.discard(session_id)
        self._appends.close(session_id)
        with self._pending_lock:
            self._pending_records.pop(session_id, None)
            self._pending_drafts.pop(session_id, None)
            self._pending_event_ids.pop(session_id, None)
        self._writer.submit(PendingWrite(None, lambda db: sessions_table.remove_session(db, session_id)))

    def append_events(self, session_id: str, events: Sequence[DomainEvent], last_event_id: int | None = None) -> None:
        """Append `events` in order, update the projections, and record `last_event_id` if given.

        Raises `UnknownSessionError` if the session was never saved.
        """
        if self._dropped(session_id):
            return
        self._require(session_id)
        if last_event_id is not None:
            with self._pending_lock:
                self._pending_event_ids[session_id] = last_event_id
        batch = self._appends.join(session_id, events, last_event_id)
        if batch is None:
            return  # they go with the session's write still waiting (append_batches.py)

        def write(db: sqlite3.Connection) -> None:
            unit = self._existing(db, session_id)
            events, last_event_id = self._appends.take(batch)
            event_log.append_events(db, session_id, unit, events, last_event_id)
            if last_event_id is not None:
                with self._pending_lock:
                    if self._pending_event_ids.get(session_id) == last_event_id:
                        del self._pending_event_ids[session_id]

        self._writer.submit(PendingWrite(session_id, write))

    def save_draft(self, session_id: str, text: str) -> None:
        """Keep what the user is typing; an empty `text` clears it."""
        if self._dropped(session_id):
            return
        if text:
            self._require(session_id)  # a clear error rather than a foreign key failure
        self._appends.close(session_id)
        with self._pending_lock:
            self._pending_drafts[session_id] = text

        def write(db: sqlite3.Connection) -> None:
            if text:
                self._existing(db, session_id)
            drafts.write_draft(db, session_id, text)
            with self._pending_lock:
                if self._pending_drafts.get(session_id) is text:
                    del self._pending_drafts[session_id]

        self._writer.submit(PendingWrite(session_id, write))

    def _dropped(self, session_id: str) -> bool:
        """Whether writes for the session are dropped: deleted here, or by another program."""
        return session_id in self._deleted_here or self._writer.is_gone(session_id)

    def _require(self, session_id: str) -> None:
        if session_id in self._known:
            return
        with self._reading() as db:
            exists = sessions_table.session_exists(db, session_id)
        if not exists:
            raise UnknownSessionError(f"session {session_id!r} is not in the store: save_session() it first")
        self._known.add(session_id)
        self._persisted.add(session_id)

    def _existing(self, db: sqlite3.Connection, session_id: str) -> str:
        """On the writer: the session's money unit; `SessionGone` if its row was deleted meanwhile."""
        unit = sessions_table.money_unit(db, session_id)
        if unit is None:
            raise SessionGone(session_id)
        self._persisted.add(session_id)
        return unit

    # -- reads

    def _settle(self) -> None:
        """Wait for the writes handed over so far, unless they are failing. A read that overlays
        what is pending takes its snapshot of it after this, and before reading the database:
        a write committed in between is then in the snapshot, never missed by both."""
        self._writer.wait(None, while_healthy=True)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, after the writes handed over so far (unless they are failing)."""
        self._settle()
        with self._read_lock:
            self._read_db.execute("BEGIN")
            try:
                yield self._read_db
            finally:
                self._read_db.execute("COMMIT")

    def _pending_then_saved(self, pending: Callable[[], P], saved: Callable[[sqlite3.Connection], S]) -> tuple[P, S]:
        """What is pending, then what the database holds, in that order (see `_settle`)."""
        self._settle()
        with self._pending_lock:
            waiting = pending()
        with self._reading() as db:
            return waiting, saved(db)

    def sessions(self) -> list[SessionRecord]:
        """Every session, oldest first."""
        pending, found = self._pending_then_saved(
            lambda: dict(self._pending_records),
            lambda db: {record.id: record for record in sessions_table.all_sessions(db)},
        )
        self._persisted.update(found)
        # A pending record of a session deleted elsewhere is never written: not there any more.
        found.update({key: record for key, record in pending.items() if not self._dropped(key)})
        return sorted(found.values(), key=lambda record: (record.created_at, record.id))

    def session(self, session_id: str) -> SessionRecord | None:
        pending, record = self._pending_then_saved(
            lambda: self._pending_records.get(session_id), lambda db: sessions_table.one_session(db, session_id)
        )
        if record is not None:
            self._persisted.add(session_id)
        return record if pending is None or self._dropped(session_id) else pending

    def last_event_id(self, session_id: str) -> int | None:
        pending, saved = self._pending_then_saved(
            lambda: self._pending_event_ids.get(session_id), lambda db: sessions_table.last_event_id(db, session_id)
        )
        return saved if pending is None else pending

    def load_events(self, session_id: str) -> list[DomainEvent]:
        """Every event of the session, in the order appended.

        Each comes back as appended, except a part update whose full text only extended the
        part's text: it comes back as the delta it amounted to (projection.py's `_compact`).
        Replaying the list through the reducer gives the very transcript the appended events gave.
        """
        with self._reading() as db:
            return event_log.load_events(db, session_id)

    def load_transcript(self, session_id: str) -> RestoredSession:
        """The session as a replay of all its events through the reducer and the usage ledger
        would rebuild it, without that replay (restore.py)."""
        with self._reading() as db:
            return restore.load_transcript(db, session_id)

    def messages(self, session_id: str) -> list[StoredMessage]:
        """The session's messages in order, with their visible text (from the projections)."""
        with self._reading() as db:
            return projection_reads.messages(db, session_id)

    def message_times(self, session_id: str) -> dict[str, float | None]:
        """When each message of the session was first stored (Unix time; None if not recorded)."""
        with self._reading() as db:
            return projection_reads.message_times(db, session_id)

    def usage_entries(self, session_id: str | None = None) -> list[LedgerEntry]:
        """Billable entries of one session (or all), as the usage ledger keys them, oldest first."""
        with self._reading() as db:
            return projection_reads.usage_entries(db, session_id)

    def questions(self, session_id: str) -> list[AskedQuestion]:
        """Every question the agent asked in the session, oldest first, with what became of it."""
        with self._reading() as db:
            return projection_reads.questions(db, session_id)

    def draft(self, session_id: str) -> str:
        self._settle()
        with self._pending_lock:
            pending = self._pending_drafts.get(session_id)
        if pending is not None:
            return pending
        with self._reading() as db:
            return drafts.read_draft(db, session_id)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Messages containing every word of `query`, best first. Any text a person types is safe."""
        if not search.match_expression(query):
            return []
        with self._reading() as db:
            stale = search.has_stale_messages(db)
        if stale and self.health().ok:
            # Messages still in flight are indexed by the writer first, so the search sees them.
            self._writer.submit(PendingWrite(None, search.index_stale_messages))
        with self._reading() as db:
            return search.search(db, query, limit)
