"""`tui-app files` as a script runs it: a subprocess against the embedded server (the local
backend, and Stewrd's API through the Stewrd adapter), and against a hostile Case.dev service
whose paths try to leave the folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_server import KEY, HostileServer, Script, json_reply
from tui_app.server import demo_agent
from tui_app.server.runner import EmbeddedServer

GUARD = 60  # seconds: a guard against a hang, never a measured figure
MESSAGE = "please make a file"


def tui_app(data: Path, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "TUI_APP_DATA_DIR": str(data), **env}
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args],
        capture_output=True, text=True, timeout=GUARD, env=environment, cwd=cwd, check=False,
    )


def session_id(data: Path) -> str:
    listed = tui_app(data, "sessions")
    assert listed.returncode == 0, listed.stderr
    return listed.stdout.splitlines()[1].split()[0]


@pytest.fixture
def local_session(tmp_path: Path) -> tuple[Path, str]:
    """A local session whose only turn asked the demo agent to make a file."""
    data = tmp_path / "data"
    made = tui_app(data, "ask", "--backend", "local", "--speed", "0", "--keep", MESSAGE)
    assert made.returncode == 0, made.stderr
    return data, session_id(data)


def test_files_lists_what_the_agent_wrote(local_session: tuple[Path, str]) -> None:
    data, session = local_session
    result = tui_app(data, "files", session)
    assert result.returncode == 0, result.stderr
    _, content = demo_agent.demo_file(1, MESSAGE)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PATH", "SIZE", "TURN"]
    assert lines[1].split() == ["notes/turn-1/summary.md", str(len(content.encode())), "—"]
    assert lines[2].split()[0] == "out/turn-1.md"


def test_get_saves_into_the_current_folder_and_never_overwrites_without_force(
    local_session: tuple[Path, str], tmp_path: Path
) -> None:
    data, session = local_session
    here = tmp_path / "here"
    here.mkdir()
    path, content = demo_agent.demo_file(1, MESSAGE)
    saved = tui_app(data, "files", session, "--get", path, cwd=here)
    assert saved.returncode == 0, saved.stderr
    assert (here / path).read_text(encoding="utf-8") == content

    (here / path).write_text("mine", encoding="utf-8")
    again = tui_app(data, "files", session, "--get", path, cwd=here)
    assert again.returncode == 2 and "add --force" in again.stderr
    assert (here / path).read_text(encoding="utf-8") == "mine"
    forced = tui_app(data, "files", session, "--get", path, "--force", cwd=here)
    assert forced.returncode == 0, forced.stderr
    assert (here / path).read_text(encoding="utf-8") == content


def test_get_with_output_saves_as_that_file_and_an_unknown_path_is_an_error(
    local_session: tuple[Path, str], tmp_path: Path
) -> None:
    data, session = local_session
    target = tmp_path / "reply.md"
    saved = tui_app(data, "files", session, "--get", "out/turn-1.md", "-o", str(target))
    assert saved.returncode == 0, saved.stderr
    assert target.read_text(encoding="utf-8") == demo_agent.reply([], MESSAGE)
    missing = tui_app(data, "files", session, "--get", "out/nothing.md")
    assert missing.returncode == 1 and "no file 'out/nothing.md'" in missing.stderr


def test_stewrd_files_come_back_with_the_reply_and_are_kept_here(server: EmbeddedServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"STEWRD_API_KEY": server.api_key, "STEWRD_BASE_URL": server.base_url}
    made = tui_app(data, "ask", "--backend", "stewrd", "--keep", MESSAGE, **env)
    assert made.returncode == 0, made.stderr
    session = session_id(data)
    path, content = demo_agent.demo_file(1, MESSAGE)
    listed = tui_app(data, "files", session, **env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[1].split() == [path, str(len(content.encode())), "1"]
    saved = tui_app(data, "files", session, "--get", path, "-o", str(tmp_path), **env)
    assert saved.returncode == 0, saved.stderr
    assert (tmp_path / path).read_text(encoding="utf-8") == content


@pytest.mark.parametrize("evil", ["../../escape.txt", "notes/../../../escape.txt", "/tmp/escape.txt"])
def test_a_hostile_path_is_listed_but_refused_and_never_written(tmp_path: Path, evil: str) -> None:
    listing = {"chatId": "chat_h", "files": [{"path": evil, "name": "escape.txt", "sizeBytes": 7}]}
    data, here = tmp_path / "data", tmp_path / "deep" / "here"
    here.mkdir(parents=True)
    with HostileServer(Script(files=json_reply(listing))) as hostile:
        env = {"CASEDEV_API_KEY": KEY, "CASEDEV_BASE_URL": hostile.base_url}
        made = tui_app(data, "ask", "--backend", "casedev", "--keep", "hi", **env)
        assert made.returncode == 0, made.stderr
        session = session_id(data)
        listed = tui_app(data, "files", session, **env)
        assert listed.returncode == 0 and evil in listed.stdout
        refused = tui_app(data, "files", session, "--get", evil, cwd=here, **env)
    assert refused.returncode == 2
    assert "Refused" in refused.stderr and "Nothing was written" in refused.stderr
    assert not (tmp_path / "escape.txt").exists() and not Path("/tmp/escape.txt").exists()
    assert [p for p in tmp_path.rglob("escape.txt")] == []
