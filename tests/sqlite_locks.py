"""Another program holding a database's write lock, for the tests of a store that must not block on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def write_lock_held(database: Path) -> Iterator[None]:
    """Hold `database`'s write lock (BEGIN EXCLUSIVE) on a connection of our own until the block ends.

    The lock is taken on the calling thread, so a store call that waited for it would never
    return: the tests inside prove the store does not wait."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()
