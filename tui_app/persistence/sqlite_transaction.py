"""The one way both SQLite stores (the app's and the embedded server's) write."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def write_transaction(db: sqlite3.Connection, lock: threading.RLock) -> Iterator[sqlite3.Connection]:
    """One transaction holding the write lock from the start, so it never fails half way on BUSY.

    `db` must be in autocommit mode (`isolation_level=None`): the transaction is explicit."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            # A failed COMMIT leaves the transaction open; end it so the next call can begin.
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
