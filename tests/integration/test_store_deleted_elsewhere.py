"""`tui-app sessions rm` in another process while the app runs: the running session's later turns
must not bring back a partial record (with a cost that disagrees); the store says it is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.stored_sessions import open_session
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store

PATIENCE = 60.0  # a bound on waiting for the writer, so a broken store fails instead of hanging


def sessions_rm(data: Path, session_id: str) -> None:
    env = {**os.environ, "TUI_APP_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "tui_app", "sessions", "rm", session_id, "--yes"],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


async def test_a_session_removed_by_sessions_rm_while_it_runs_stays_removed(connection: Connection, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = Store(data / "tui-app.db")
    backend = connection.open_backend()
    try:
        doomed = await open_session(backend, store, "Doomed", "plan a trip to Paris, use a tool")
        kept = await open_session(backend, store, "Kept")
        assert store.flush(PATIENCE)

        sessions_rm(data, doomed.id)
        # The app goes on: another turn in the deleted session, and one in the other session.
        await doomed.send("think about museums")
        doomed.flush()
        await kept.send("a list for apples and bread")
        kept.flush()
        assert store.flush(PATIENCE)
        assert store.health().deleted_elsewhere == frozenset({doomed.id})
        assert store.health().ok
    finally:
        await backend.aclose()
        store.close()

    with Store(data / "tui-app.db") as reopened:
        assert [record.id for record in reopened.sessions()] == [kept.id]
        assert reopened.load_events(doomed.id) == []
        assert reopened.usage_entries(doomed.id) == []
        assert [m.role for m in reopened.messages(kept.id)] == ["user", "assistant"]
