"""A command whose reader goes away early (`tui-app sessions | head -1`) ends quietly: no
BrokenPipeError, no traceback, and the status a shell gives such a writer (141, as `yes | head`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_app.core.events import UserMessageSent
from tui_app.persistence.store import SessionRecord, Store
from tui_app.persistence.store_access import STORE_FILE

SESSIONS = 600


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hundreds of sessions (for `sessions` and `search`) and one long one (for `export`): each
    command writes far more than the one page of pipe it is given below."""
    directory = tmp_path_factory.mktemp("pipe") / "data"
    with Store(directory / STORE_FILE) as store:
        for i in range(SESSIONS):
            session = f"session-{i:04d}"
            store.save_session(
                SessionRecord(session, "local", None, f"Pipe {i}", None, "ready", "micros", 100.0 + i, 100.0 + i, final_cost=0)
            )
            store.append_events(session, [UserMessageSent(f"{session}-u", f"words to find in pipe {i}")])
        store.save_session(SessionRecord("long-one", "local", None, "Long", None, "ready", "micros", 1.0, 1.0, final_cost=0))
        store.append_events("long-one", [UserMessageSent("long-u", "a long line of text\n" * 20_000)])
    return directory


@pytest.mark.parametrize(
    "command", [("sessions",), ("search", "pipe", "--limit", str(SESSIONS)), ("export", "long-one")], ids=["sessions", "search", "export"]
)
def test_a_reader_that_leaves_after_one_line_ends_the_command_quietly(data: Path, command: tuple[str, ...]) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tui_app", *command],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TUI_APP_DATA_DIR": str(data)},
        # One page of pipe: the command cannot have written everything before the reader leaves.
        pipesize=4096,
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()
    child.stdout.close()  # as `head -1` does once it has its line
    errors = child.stderr.read().decode()
    code = child.wait(timeout=60)
    assert first.strip(), "the command printed nothing"
    assert errors == ""
    assert code == 141
