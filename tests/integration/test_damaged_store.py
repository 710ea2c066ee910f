"""A store damaged in the middle of the file (its header intact): every command that opens it,
and the app, says so in one clear message and exits 3, as for a damaged header; no traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stored_sessions import record_session, two_sessions
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.persistence.store_access import STORE_FILE, StoreUnavailable, open_store

PAGE = 4096


def damage_the_middle(path: Path) -> None:
    """Overwrite the middle third of the file's pages (never page 1, the header and schema) with
    bytes no b-tree page starts with, as a bad sector or a half-written copy would leave it."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = path.stat().st_size // PAGE
    assert pages >= 6, f"too small a store to damage in the middle ({pages} pages)"
    with path.open("r+b") as file:
        for page in range(pages // 3, 2 * pages // 3 + 1):
            file.seek(page * PAGE)
            file.write(bytes([0xA5]) * PAGE)


def run_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUI_APP_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


@pytest.fixture
async def damaged(connection: Connection, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    await two_sessions(connection, data)
    with Store(data / STORE_FILE) as store:  # enough pages that the middle holds real rows
        for i in range(3):
            await record_session(connection, store, f"filler {i}", "some words to index " * 200)
    damage_the_middle(data / STORE_FILE)
    return data


def assert_clear_exit_3(result: subprocess.CompletedProcess[str], data: Path) -> None:
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(data / STORE_FILE) in lines[0] and "damaged" in lines[0] and "--data-dir" in lines[0]


@pytest.mark.parametrize(
    "command",
    [("sessions",), ("search", "words"), ("export", "Paris"), ("sessions", "rm", "Paris", "--yes"), ()],
    ids=["sessions", "search", "export", "sessions-rm", "app"],
)
async def test_each_command_on_a_store_damaged_mid_file_says_so_and_exits_3(damaged: Path, command: tuple[str, ...]) -> None:
    assert_clear_exit_3(run_cli(damaged, *command), damaged)


async def test_opening_a_store_damaged_mid_file_raises_store_unavailable(damaged: Path) -> None:
    with pytest.raises(StoreUnavailable, match="damaged"):
        open_store(damaged)
