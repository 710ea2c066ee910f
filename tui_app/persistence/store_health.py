"""Whether the store is saving what it is given, in words a person can act on."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoreHealth:
    ok: bool
    """Every write so far has reached the database (or is on its way, with nothing failing)."""
    problem: str | None
    """Why writes fail, for a person ("disk full", ...); None when ok."""
    unsaved: int
    """Changes held in memory, not yet in the database."""
    deleted_elsewhere: frozenset[str] = frozenset()
    """Sessions another program deleted (`tui-app sessions rm`) while this store had them open:
    their later changes are dropped rather than written back as a partial record. Grows only."""


def describe_write_failure(error: sqlite3.Error) -> str:
    """What stops SQLite from writing, as a person would fix it. Never includes the data written."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "database locked by another program"
    if "full" in text:
        return "disk full"
    if "readonly" in text or "read-only" in text:
        return "read-only: the database file or its folder cannot be written"
    if "disk i/o" in text:
        return "disk I/O error"
    if "malformed" in text or "not a database" in text:
        return "the database file is damaged"
    return f"cannot write the database: {error}"
