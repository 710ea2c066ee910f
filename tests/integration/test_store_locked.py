"""A store another program holds locked: at start, a clear message and exit 3, never a traceback
or a hang; mid-session, the session goes on and everything is written once the lock is released."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.sqlite_locks import write_lock_held
from tests.stored_sessions import open_session
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store

PATIENCE = 60.0  # a bound on waiting for the store's writer, so a broken store fails instead of hanging


def test_a_locked_store_says_who_to_close_and_how_to_start_elsewhere(tmp_path: Path) -> None:
    Store(tmp_path / "tui-app.db").close()
    holder = sqlite3.connect(tmp_path / "tui-app.db", isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        result = subprocess.run(
            [sys.executable, "-m", "tui_app", "--data-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    finally:
        holder.close()
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'tui-app.db'} is locked by another program" in result.stderr
    assert "--data-dir" in result.stderr


async def test_a_store_locked_mid_session_lets_the_turn_run_and_writes_it_all_once_released(
    connection: Connection, tmp_path: Path
) -> None:
    store = Store(tmp_path / "tui-app.db")
    backend = connection.open_backend()
    try:
        session = await open_session(backend, store, "Locked out", "plan a trip to Paris, use a tool")
        assert store.flush(PATIENCE)
        with write_lock_held(tmp_path / "tui-app.db"):  # another program takes the write lock, and keeps it
            # The whole turn streams and is handed to the store while the lock is held by this
            # very thread: a store call that waited for the lock would never return.
            await session.send("think about museums")
            session.flush()
            store.save_draft(session.id, "and then")
            assert store.unsaved() > 0
            assert store.health().problem in (None, "database locked by another program")
        assert store.flush(PATIENCE)
        assert store.health().ok
    finally:
        await backend.aclose()
        store.close()
    with Store(tmp_path / "tui-app.db") as reopened:
        restored = reopened.load_transcript(session.id).transcript
        assert [m.role for m in restored.messages if m.role == "user"] == ["user", "user"]
        assert restored.messages == session.transcript.messages
        assert reopened.draft(session.id) == "and then"
