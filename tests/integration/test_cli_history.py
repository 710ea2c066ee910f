"""`tui-app sessions`, `sessions rm`, `search` and `export`, run as a user runs them."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stored_sessions import two_sessions
from tui_app.core.cost import session_cost
from tui_app.core.events import MessageCreated, TurnCompleted, TurnStarted
from tui_app.backends.connection import Connection
from tui_app.core.money import format_micros
from tui_app.workspace.session_controller import SessionController
from tui_app.persistence.store import Store


def run_cli(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUI_APP_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args],
        capture_output=True, text=True, timeout=60, env=env, input=stdin, check=False,
    )


History = tuple[Path, SessionController, SessionController]


@pytest.fixture
async def history(connection: Connection, tmp_path: Path) -> History:
    data = tmp_path / "data"
    paris, groceries = await two_sessions(connection, data)
    return data, paris, groceries


def test_sessions_on_a_fresh_machine_says_there_are_none_and_creates_nothing(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "nothing", "sessions")
    assert result.returncode == 0
    assert "No sessions yet" in result.stderr
    assert not (tmp_path / "nothing").exists()


async def test_sessions_lists_id_title_backend_state_last_activity_and_cost(history: History) -> None:
    data, paris, groceries = history
    result = run_cli(data, "sessions")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "TITLE", "BACKEND", "STATE", "LAST", "ACTIVITY", "COST"]
    assert len(rows) == 2
    for session in (paris, groceries):
        (row,) = [r for r in rows if r.startswith(session.id[:12])]
        assert session.title in row and " local " in row and " ready " in row
        assert row.endswith(format_micros(session_cost(session.book.ledger, session.id, "micros").exact))


async def test_sessions_shows_a_floor_not_a_total_when_a_turn_ended_without_a_price(history: History) -> None:
    data, paris, _ = history
    known = session_cost(paris.book.ledger, paris.id, "micros").exact
    with Store(data / "tui-app.db") as store:  # a later turn the service never priced
        store.append_events(
            paris.id,
            [TurnStarted("unpriced"), MessageCreated("unpriced", "m-unpriced"), TurnCompleted("unpriced", "completed")],
        )
    result = run_cli(data, "sessions")
    assert result.returncode == 0, result.stderr
    (row,) = [r for r in result.stdout.splitlines() if r.startswith(paris.id[:12])]
    assert row.endswith(f"≥ {format_micros(known)}")


async def test_search_finds_words_across_sessions_with_session_time_and_snippet(history: History) -> None:
    data, paris, groceries = history
    result = run_cli(data, "search", "apples")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{groceries.id[:12]}  Groceries  2")  # the time follows the title
    assert "**apples**" in result.stdout
    assert paris.id[:12] not in result.stdout
    assert run_cli(data, "search", "museums").stdout.count(paris.id[:12]) >= 2  # asked and quoted back
    nothing = run_cli(data, "search", "zeppelin")
    assert nothing.returncode == 1 and "Nothing found for 'zeppelin'" in nothing.stdout


async def test_export_by_title_prefix_or_id_as_markdown_and_json_to_a_file(history: History, tmp_path: Path) -> None:
    data, paris, _ = history
    by_title = run_cli(data, "export", "paris")  # the start of a title, in any case
    assert by_title.returncode == 0, by_title.stderr
    assert by_title.stdout.startswith("# Paris trip\n") and "## Agent · " in by_title.stdout
    by_prefix = run_cli(data, "export", paris.id[:6], "--format", "json", "-o", str(tmp_path / "out.json"))
    assert by_prefix.returncode == 0, by_prefix.stderr
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert exported["session"]["id"] == paris.id and exported["usage_entries"]
    unknown = run_cli(data, "export", "no such thing")
    assert unknown.returncode == 1 and "no session matches 'no such thing'" in unknown.stderr


async def test_sessions_rm_refuses_without_a_terminal_and_deletes_with_yes(history: History) -> None:
    data, paris, groceries = history
    refused = run_cli(data, "sessions", "rm", "Groceries", stdin="y\n")
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    deleted = run_cli(data, "sessions", "rm", groceries.id, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted session" in deleted.stdout
    with Store(data / "tui-app.db") as store:
        assert [r.id for r in store.sessions()] == [paris.id]
        assert store.search("apples") == [] and store.usage_entries(groceries.id) == []
    assert groceries.id[:12] not in run_cli(data, "sessions").stdout


async def test_sessions_rm_asks_at_a_terminal_and_no_keeps_the_session(history: History) -> None:
    data, paris, _ = history
    # A pseudo-terminal, as a person at a keyboard has one.
    env = {**os.environ, "TUI_APP_DATA_DIR": str(data)}
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "sessions", "rm", paris.id[:8]],
        stdin=secondary, stdout=secondary, stderr=secondary, env=env,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        if select.select([primary], [], [], 0.5)[0]:
            seen += os.read(primary, 1024)
    os.write(primary, b"n\n")
    assert process.wait(timeout=30) == 1
    os.close(primary)
    assert b"Delete the local history of session" in seen
    with Store(data / "tui-app.db") as store:
        assert paris.id in [r.id for r in store.sessions()]
