"""A file opened in the app, served by a hostile Case.dev-compatible server over real HTTP: its
text cleaned and never read as markup, copied whole with C; a binary file said to be one and
offered for saving; and a file handed to the system's opener only where there is one."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from tests.conftest import wait_until
from tests.hostile_server import KEY, HostileServer, Reply, Script, json_reply
from tests.ui.test_audit_log import ready
from tests.ui.test_files_screen import files_open
from tui_app.backends.connection import Connection
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.file_viewer import FileViewScreen, as_text
from tui_app.ui.screens.files_screen import FilesScreen
from tui_app.ui.screens.save_file import SaveFileScreen
from tui_app.workspace.file_opening import OPENERS


def serving(path: str, body: bytes) -> Script:
    listing = {"chatId": "chat_h", "files": [{"path": path, "name": path, "sizeBytes": len(body)}]}
    return Script(files=json_reply(listing), file=Reply(body=body))


async def first_file_opened(app: TuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """The session ready, its files listed (F12), the first one opened in the app."""
    await ready(pilot)
    await files_open(app, pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, FileViewScreen))


def test_binary_is_not_shown_as_text() -> None:
    assert as_text(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    assert as_text(b"\xff\xfe bad utf-8") is None
    assert as_text("# notes ✓".encode()) == "# notes ✓"


async def test_a_text_file_is_shown_cleaned_never_as_markup_and_copied_whole() -> None:
    body = "line one\x1b[2J\x1b]0;pwned\x07 [bold red]not markup[/]\nline two \u202e mirrored\n".encode()
    with HostileServer(serving("logs/run.txt", body)) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await first_file_opened(app, pilot)
            shown = app.screen.query_one(TextArea).text
            assert shown == "line one [bold red]not markup[/]\nline two ⟨U+202E⟩ mirrored\n"
            await pilot.press("c")
            await wait_until(pilot, lambda: any(n.title == "Copied" for n in app.notices.history))
            assert app.clipboard == shown


async def test_a_binary_file_is_said_to_be_one_and_saved_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    body = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    with HostileServer(serving("plot.png", body)) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await first_file_opened(app, pilot)
            said = str(app.screen.query_one("#file-binary", Static).render())
            assert f"plot.png is a binary file ({len(body)} B): it cannot be shown here. Press s to save it" in said
            await pilot.press("s")
            await wait_until(pilot, lambda: isinstance(app.screen, SaveFileScreen))
            assert app.screen.query_one(Input).value == str(tmp_path)
            await pilot.press("enter")
            await wait_until(pilot, lambda: (tmp_path / "plot.png").exists())
            assert (tmp_path / "plot.png").read_bytes() == body


def fake_opener(folder: Path, record: Path) -> None:
    """A stand-in for `xdg-open` (or `open`) that notes the path it was asked to open."""
    folder.mkdir()
    script = folder / OPENERS.get(sys.platform, "xdg-open")
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


async def test_o_opens_a_copy_with_the_systems_opener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "opened.txt"
    fake_opener(tmp_path / "bin", record)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with HostileServer(serving("report/final.pdf", b"%PDF-1.7 pretend")) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            screen = await files_open(app, pilot)
            assert "o open outside" in str(screen.query_one("#files-hint", Static).render())
            await pilot.press("o")
            await wait_until(pilot, lambda: record.exists() and record.read_text(encoding="utf-8") != "")
    opened = Path(record.read_text(encoding="utf-8"))
    assert opened.parts[-2:] == ("report", "final.pdf") and opened.read_bytes() == b"%PDF-1.7 pretend"
    assert not opened.is_relative_to(tmp_path)  # a private temporary folder, not the current one


async def test_without_an_opener_on_path_the_key_is_not_offered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with HostileServer(serving("notes.txt", b"hello")) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            screen = await files_open(app, pilot)
            assert isinstance(screen, FilesScreen) and screen.access.opener is None
            assert "open outside" not in str(screen.query_one("#files-hint", Static).render())
            assert screen.check_action("open_outside", ()) is False
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, FileViewScreen))
            assert "open outside" not in str(app.screen.query_one("#file-view-hint", Static).render())


async def test_a_path_that_looks_like_markup_is_listed_as_it_is() -> None:
    # A DataTable reads a plain string cell as Rich markup: "[/]" there used to stop the app.
    path = "[/]odd [bold]name[/bold].txt"
    with HostileServer(serving(path, b"x")) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            screen = await files_open(app, pilot)
            cell = screen.query_one(DataTable).get_row_at(0)[0]
            assert str(cell) == path and not getattr(cell, "spans", None)
