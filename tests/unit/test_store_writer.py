"""The store's writer thread on its own, on a real SQLite file: order, and a write that can never
succeed (a bug) is dropped and reported without holding back the writes queued behind it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_app.persistence.background_writer import BackgroundWriter, PendingWrite, SessionGone
from tui_app.persistence.store_health import StoreHealth, describe_write_failure

PATIENCE = 60.0  # a bound on waiting for the thread, so a broken writer fails instead of hanging


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[BackgroundWriter]:
    db = sqlite3.connect(tmp_path / "w.db", isolation_level=None, check_same_thread=False)
    db.execute("CREATE TABLE said (n INTEGER)")
    opened = BackgroundWriter(db, name="test-writer")
    yield opened
    opened.close(PATIENCE)


def insert(n: int, session_id: str | None = None) -> PendingWrite:
    def write(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO said (n) VALUES (?)", (n,))

    return PendingWrite(session_id, write)


def said(tmp_path: Path) -> list[int]:
    db = sqlite3.connect(tmp_path / "w.db")
    try:
        return [n for (n,) in db.execute("SELECT n FROM said ORDER BY rowid")]
    finally:
        db.close()


def test_writes_land_in_the_order_given(writer: BackgroundWriter, tmp_path: Path) -> None:
    for n in range(500):
        writer.submit(insert(n))
    assert writer.wait(PATIENCE)
    assert said(tmp_path) == list(range(500))
    assert writer.health() == StoreHealth(True, None, 0)


def test_a_write_that_raises_a_bug_is_dropped_and_reported_and_the_rest_are_written(
    writer: BackgroundWriter, tmp_path: Path
) -> None:
    heard: list[StoreHealth] = []
    changed = threading.Condition()

    def listen(health: StoreHealth) -> None:
        with changed:
            heard.append(health)
            changed.notify_all()

    writer.add_listener(listen)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO said (n) VALUES (-1)")
        raise ValueError("a bug")

    writer.submit(insert(1))
    writer.submit(PendingWrite(None, broken))
    writer.submit(insert(2))
    assert writer.wait(PATIENCE)
    with changed:
        assert changed.wait_for(lambda: any(not h.ok for h in heard), PATIENCE)
    assert said(tmp_path) == [1, 2]  # the broken write's own insert was rolled back with it
    problem = next(h.problem for h in heard if not h.ok)
    assert problem is not None and "ValueError" in problem and "dropped" in problem
    writer.submit(insert(3))
    with changed:
        assert changed.wait_for(lambda: heard[-1].ok, PATIENCE)


def test_writes_of_a_session_found_gone_are_dropped_with_the_rest_of_its_queue(
    writer: BackgroundWriter, tmp_path: Path
) -> None:
    def gone(db: sqlite3.Connection) -> None:
        raise SessionGone("s1")

    writer.submit(insert(1))
    writer.submit(PendingWrite("s1", gone))
    writer.submit(insert(99, "s1"))
    writer.submit(insert(2, "s2"))
    assert writer.wait(PATIENCE)
    assert said(tmp_path) == [1, 2]
    assert writer.health().deleted_elsewhere == frozenset({"s1"}) and writer.is_gone("s1")


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("database is locked", "database locked by another program"),
        ("database or disk is full", "disk full"),
        ("attempt to write a readonly database", "read-only: the database file or its folder cannot be written"),
        ("disk I/O error", "disk I/O error"),
    ],
)
def test_each_way_sqlite_refuses_a_write_reads_as_what_to_do(message: str, problem: str) -> None:
    assert describe_write_failure(sqlite3.OperationalError(message)) == problem
