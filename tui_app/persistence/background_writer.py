"""The one thread that writes a store's changes, in order, and keeps them until they are written.

The caller hands over a write and returns at once: a database locked by another program, a full
disk or a read-only file never blocks it. A write that fails for such a cause stays queued, with
every write after it, and is tried again with a growing pause until it succeeds; meanwhile the
store's health says why, so the screen can say it ("Not saved: disk full"). A write that can
never succeed (a bug: an exception that is not SQLite's) is dropped, logged and reported, so it
cannot hold back the writes behind it.

After a transaction the writer lets the next writes gather for a moment (`GATHER_SECONDS`):
ten sessions streaming each hand over their events several times a second, and one
transaction each (with a wake of this thread) cost more than writing the events. What is
handed over is written at most that much later, in order, each write whole or not at all; a
caller waiting for the writes (`wait`: a read, quit, export), a control or closing ends the
gathering at once, and so does the end of the process: a program that exits without closing
its store still has what it handed over written (an exit used to win that race by luck).
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from tui_app.persistence.sqlite_transaction import write_transaction
from tui_app.persistence.store_health import StoreHealth, describe_write_failure

log = logging.getLogger(__name__)

# Writes that wait together go in one transaction: a streamed reply arrives in many small batches.
BATCH = 200
GATHER_SECONDS = 0.1
"""The least time from one transaction's end to the next one's start while writes keep coming.
A write handed over after a quiet spell goes at once; what is on screen is on disk within about
a tenth of a second, as before (a session's events wait 1/30 s for its flush anyway)."""
EXIT_SECONDS = 10.0
"""How long the end of the process waits for the writes still queued (unless they are failing)."""
FIRST_RETRY_SECONDS = 0.05
LAST_RETRY_SECONDS = 2.0

HealthListener = Callable[[StoreHealth], None]


def _name_for_the_system(name: str) -> None:
    """Name the calling thread where the system shows it (`top -H`, /proc): a benchmark reads the
    writer's CPU apart from the event loop's. Linux only; elsewhere nothing happens."""
    try:
        Path(f"/proc/self/task/{threading.get_native_id()}/comm").write_text(name[:15])
    except OSError:
        pass


@dataclass(frozen=True, eq=False, slots=True)
class _WriteAtExit:
    """Registered with `atexit`: the writer thread is a daemon, stopped where it stands when the
    interpreter ends, and the writes it gathers must not be lost with it."""

    writer: weakref.ref[BackgroundWriter]

    def __call__(self) -> None:
        writer = self.writer()
        if writer is not None and writer._thread.is_alive():
            writer.wait(EXIT_SECONDS, while_healthy=True)


class SessionGone(Exception):
    """Raised by a write whose session's row another program deleted: the write is dropped."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id


@dataclass(frozen=True, slots=True)
class PendingWrite:
    session_id: str | None
    """The session it belongs to: once that session is found deleted elsewhere, it is dropped."""
    apply: Callable[[sqlite3.Connection], None]
    """Runs inside the writer's transaction; raises `SessionGone` before writing anything, if so."""


@dataclass(slots=True)
class _Control:
    """Something to run on the writer's connection outside any transaction, ahead of the queue."""

    run: Callable[[sqlite3.Connection], None]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class BackgroundWriter:
    """Owns `db` (autocommit mode) from now on; every use of it happens on the writer's thread."""

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self._db = db
        self._transaction_lock = threading.RLock()
        self._changed = threading.Condition()
        self._queue: deque[PendingWrite] = deque()
        self._controls: list[_Control] = []
        self._problem: str | None = None
        self._gone: frozenset[str] = frozenset()
        self._listeners: list[HealthListener] = []
        self._reported = StoreHealth(True, None, 0)
        self._stopping = False
        self._abandon = False
        self._gathering = False
        self._waiters = 0
        self._committed_at = 0.0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._at_exit = _WriteAtExit(weakref.ref(self))
        atexit.register(self._at_exit)

    # -- called from any thread

    def submit(self, write: PendingWrite) -> None:
        with self._changed:
            if self._stopping:
                raise RuntimeError("the store is closed")
            self._queue.append(write)
            if not self._gathering:  # (a gathering writer looks at the queue when it ends)
                self._changed.notify_all()

    def unsaved(self) -> int:
        with self._changed:
            return len(self._queue)

    def health(self) -> StoreHealth:
        with self._changed:
            return self._health()

    def is_gone(self, session_id: str) -> bool:
        return session_id in self._gone

    def add_listener(self, listener: HealthListener) -> Callable[[], None]:
        with self._changed:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._changed:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def wait(self, timeout: float | None, *, while_healthy: bool = False) -> bool:
        """Wait until every write so far is in the database; True if so. With `while_healthy`,
        stop waiting as soon as a write fails (a reader takes what is saved rather than hang).
        On the writer's own thread (a health listener reading the store) it never waits: that
        would wait for itself."""
        if threading.current_thread() is self._thread:
            return self.unsaved() == 0
        with self._changed:
            self._waiters += 1
            self._changed.notify_all()  # no gathering while someone waits
            try:
                self._changed.wait_for(
                    lambda: not self._queue or (while_healthy and self._problem is not None), timeout
                )
            finally:
                self._waiters -= 1
            return not self._queue

    def run_on_connection(self, run: Callable[[sqlite3.Connection], None]) -> None:
        """Run `run(db)` on the writer's thread before its next attempt, and wait for it. Never
        call it from the writer's thread (a health listener): it would wait for itself."""
        control = _Control(run)
        with self._changed:
            self._controls.append(control)
            self._changed.notify_all()
        control.done.wait()
        if control.error is not None:
            raise control.error

    def close(self, timeout: float | None) -> int:
        """Write what is queued (for at most `timeout` seconds), stop the thread and close the
        connection. Returns how many writes were left unwritten."""
        self.wait(timeout)
        with self._changed:
            self._stopping = self._abandon = True
            left = len(self._queue)
            self._changed.notify_all()
        self._thread.join()
        self._db.close()
        atexit.unregister(self._at_exit)
        return left

    # -- the writer's thread

    def _health(self) -> StoreHealth:
        return StoreHealth(self._problem is None, self._problem, len(self._queue), self._gone)

    def _run(self) -> None:
        _name_for_the_system("store-writer")
        pause = FIRST_RETRY_SECONDS
        isolate = 0  # after a write that raised a bug: how many to try one at a time, to find it
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._queue or self._controls or self._stopping))
                self._gather()
                controls, self._controls = self._controls, []
                stop = self._stopping and (self._abandon or not self._queue)
                batch = list(islice(self._queue, 1 if isolate else BATCH))
            self._run_controls(controls)
            if stop:
                return
            if not batch:
                continue
            gone: set[str] = set()
            try:
                self._write(batch, gone)
            except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError) as error:
                isolate = self._after_bug(batch, error, isolate)
                continue
            except sqlite3.Error as error:
                self._failed(describe_write_failure(error))
                self._pause(pause)
                pause = min(pause * 2, LAST_RETRY_SECONDS)
                continue
            except Exception as error:
                isolate = self._after_bug(batch, error, isolate)
                continue
            pause = FIRST_RETRY_SECONDS
            isolate = max(isolate - 1, 0)
            self._written(len(batch), gone, None)
            self._committed_at = time.monotonic()

    def _gather(self) -> None:
        """Under `_changed`: let writes gather until `GATHER_SECONDS` after the last transaction,
        unless something cannot wait (a control, closing, a caller waiting for the writes)."""
        left = self._committed_at + GATHER_SECONDS - time.monotonic()
        if left <= 0 or not self._queue or self._problem is not None:
            return
        self._gathering = True
        try:
            self._changed.wait_for(lambda: bool(self._controls or self._stopping or self._waiters), left)
        finally:
            self._gathering = False

    def _write(self, batch: list[PendingWrite], gone: set[str]) -> None:
        with write_transaction(self._db, self._transaction_lock) as db:
            for write in batch:
                if write.session_id is not None and (write.session_id in self._gone or write.session_id in gone):
                    continue
                try:
                    write.apply(db)
                except SessionGone as error:
                    gone.add(error.session_id)

    def _after_bug(self, batch: list[PendingWrite], error: BaseException, isolate: int) -> int:
        if len(batch) > 1:
            return len(batch)  # try them one by one: only the faulty one is dropped
        log.error("dropped a change that cannot be saved", exc_info=error)
        self._written(1, set(), f"a change could not be saved ({type(error).__name__}); it was dropped")
        return max(isolate - 1, 0)

    def _run_controls(self, controls: list[_Control]) -> None:
        for control in controls:
            try:
                control.run(self._db)
            except BaseException as error:  # handed back to the caller waiting for it
                control.error = error
            control.done.set()

    def _pause(self, seconds: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: bool(self._controls or self._stopping), seconds)

    def _failed(self, problem: str) -> None:
        with self._changed:
            self._problem = problem
            self._changed.notify_all()
        self._report()

    def _written(self, count: int, gone: set[str], problem: str | None) -> None:
        with self._changed:
            for _ in range(count):
                self._queue.popleft()
            self._gone = self._gone | gone
            self._problem = problem
            self._changed.notify_all()
        self._report()

    def _report(self) -> None:
        with self._changed:
            health = self._health()
            previous, self._reported = self._reported, health
            listeners = list(self._listeners)
        # Healthy, the count of unsaved writes changes with every write: not news. Failing, it is.
        if health == previous or (health.ok and previous.ok and health.deleted_elsewhere == previous.deleted_elsewhere):
            return
        for listener in listeners:
            try:
                listener(health)
            except Exception:
                log.exception("a store health listener failed")
