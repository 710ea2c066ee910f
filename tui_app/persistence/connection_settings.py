"""How each of the store's SQLite connections is set up beyond its defaults."""

from __future__ import annotations

import sqlite3

CACHE_KIB = 512
"""Each connection's page cache. SQLite's default, 2 MB, is kept per connection (the writer and
the reader) and stays resident once filled: a streamed reply's appends alone fill the writer's.
The pages a write or a read needs again are few (the last leaf and the interior pages of two
B-trees), and the rest is in the operating system's file cache anyway (issue 16: peak RSS)."""


def with_small_cache(db: sqlite3.Connection) -> sqlite3.Connection:
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return db
