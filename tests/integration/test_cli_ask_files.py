"""`tui-app ask --file PATH` as a subprocess: the files reach the embedded server (its demo agent
says what it received, on both APIs), and a file that cannot go is refused with exit 2 before
anything is sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tui_app.server.runner import EmbeddedServer

GUARD = 60  # seconds: a guard against a hang, never a measured figure


def ask(data: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--speed", "0", *args],
        input="", capture_output=True, text=True, timeout=GUARD, check=False, cwd=cwd,
        env={**os.environ, "TUI_APP_DATA_DIR": str(data), "PYTHONPATH": os.getcwd(), **env},
    )


def files_in(folder: Path) -> Path:
    (folder / "notes.md").write_text("# Notes\n\n```sh\nls\n```\n", encoding="utf-8")
    (folder / "plan.txt").write_text("één\n", encoding="utf-8")
    return folder


def test_ask_attaches_files_on_the_local_backend(tmp_path: Path) -> None:
    here = files_in(tmp_path)
    result = ask(tmp_path / "data", here, "--file", "notes.md", "--file", str(here / "plan.txt"), "read these")
    assert result.returncode == 0, result.stderr
    notes = len((here / "notes.md").read_bytes())
    assert result.stdout.startswith(f"I received notes.md, {notes} bytes; plan.txt, 6 bytes.\n")


def test_ask_attaches_files_on_stewrd(tmp_path: Path, server: EmbeddedServer) -> None:
    here = files_in(tmp_path)
    env = {"STEWRD_API_KEY": server.api_key, "STEWRD_BASE_URL": server.base_url}
    result = ask(tmp_path / "data", here, "--backend", "stewrd", "--file", "plan.txt", "read this", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("I received plan.txt, 6 bytes.\n")


def test_a_binary_file_is_refused_with_exit_2_and_nothing_is_sent(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    result = ask(tmp_path / "data", tmp_path, "--file", "logo.png", "look")
    assert result.returncode == 2
    assert result.stderr == "tui-app ask: logo.png is a binary file: only text files can be attached.\n"
    # Refused before the store or a server was opened: no session was made anywhere.
    assert result.stdout == "" and list((tmp_path / "data").glob("*.db")) == []


def test_a_file_over_the_limit_is_refused_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 3000, encoding="utf-8")
    result = ask(tmp_path / "data", tmp_path, "--file", "big.txt", "look", TUI_APP_MAX_ATTACHMENT_KIB="2")
    assert result.returncode == 2
    assert "big.txt is 2.9 KiB, over the 2.0 KiB limit for an attachment" in result.stderr
    assert result.stdout == ""


def test_a_missing_file_is_refused_with_exit_2(tmp_path: Path) -> None:
    result = ask(tmp_path / "data", tmp_path, "--file", "nope.md", "look")
    assert (result.returncode, result.stderr) == (2, "tui-app ask: nope.md: no such file.\n")
