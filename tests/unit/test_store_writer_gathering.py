"""The writer gathers the writes handed over soon after a transaction into the next one (ten
sessions streaming handed over ~45 writes a second, each its own transaction and wake of the
thread), and never makes a caller who waits for the writes wait for the gathering."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_app.persistence import background_writer
from tui_app.persistence.background_writer import BackgroundWriter, PendingWrite
from tests.unit.test_store_writer import said

PATIENCE = 60.0
LONG_GATHERING = 3_600.0
"""Far longer than PATIENCE: a wait that returned True did not sit out the gathering."""


@pytest.fixture
def transactions() -> list[str]:
    return []


@pytest.fixture
def writer(tmp_path: Path, transactions: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[BackgroundWriter]:
    monkeypatch.setattr(background_writer, "GATHER_SECONDS", LONG_GATHERING)
    db = sqlite3.connect(tmp_path / "w.db", isolation_level=None, check_same_thread=False)
    db.execute("CREATE TABLE said (n INTEGER, session TEXT)")
    db.set_trace_callback(lambda sql: transactions.append(sql) if sql.startswith("BEGIN") else None)
    opened = BackgroundWriter(db, name="test-writer")
    yield opened
    opened.close(PATIENCE)


def insert(n: int, session_id: str) -> PendingWrite:
    def write(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO said (n, session) VALUES (?, ?)", (n, session_id))

    return PendingWrite(session_id, write)


def test_the_writes_of_every_session_handed_over_after_a_transaction_go_in_one(
    writer: BackgroundWriter, transactions: list[str], tmp_path: Path
) -> None:
    writer.submit(insert(0, "s0"))  # after a quiet spell: written at once
    assert writer.wait(PATIENCE)
    assert len(transactions) == 1
    for n in range(1, 10):
        writer.submit(insert(n, f"s{n}"))  # nine sessions' flushes, spread over their tick
        time.sleep(0.03)
    assert writer.wait(PATIENCE)
    assert said(tmp_path) == list(range(10))
    assert len(transactions) == 2


def test_a_caller_waiting_for_the_writes_does_not_wait_for_the_gathering(
    writer: BackgroundWriter, tmp_path: Path
) -> None:
    writer.submit(insert(0, "s0"))
    assert writer.wait(PATIENCE)
    writer.submit(insert(1, "s1"))
    assert writer.wait(PATIENCE)  # True well before the hour of gathering is over
    assert said(tmp_path) == [0, 1]


def test_a_control_and_closing_end_the_gathering(writer: BackgroundWriter, tmp_path: Path) -> None:
    writer.submit(insert(0, "s0"))
    assert writer.wait(PATIENCE)
    writer.submit(insert(1, "s1"))
    ran = threading.Event()
    writer.run_on_connection(lambda db: ran.set())
    assert ran.is_set()
    writer.submit(insert(2, "s2"))
    assert writer.close(PATIENCE) == 0
    assert said(tmp_path) == [0, 1, 2]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="the system's thread names are Linux's /proc")
def test_the_writer_thread_is_named_for_the_system(writer: BackgroundWriter) -> None:
    writer.submit(insert(0, "s0"))
    assert writer.wait(PATIENCE)
    names = [(task / "comm").read_text().strip() for task in Path("/proc/self/task").iterdir()]
    assert "store-writer" in names


EXITS_WITHOUT_CLOSING = """
import sqlite3, sys
from tui_app.persistence import background_writer
from tui_app.persistence.background_writer import BackgroundWriter, PendingWrite

background_writer.GATHER_SECONDS = 3600.0
db = sqlite3.connect(sys.argv[1], isolation_level=None, check_same_thread=False)
db.execute("CREATE TABLE said (n INTEGER)")
writer = BackgroundWriter(db, name="exiting")

def insert(n):
    return PendingWrite(None, lambda db: db.execute("INSERT INTO said (n) VALUES (?)", (n,)))

writer.submit(insert(0))
assert writer.wait(60)
writer.submit(insert(1))  # gathering for an hour: still queued when the program ends
"""


def test_a_program_that_ends_without_closing_its_store_still_writes_what_it_handed_over(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "exits.py"
    script.write_text(EXITS_WITHOUT_CLOSING)
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "w.db")], capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(tmp_path / "w.db")
    try:
        assert [n for (n,) in db.execute("SELECT n FROM said ORDER BY rowid")] == [0, 1]
    finally:
        db.close()
