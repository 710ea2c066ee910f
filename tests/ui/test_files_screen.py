"""The files view (F12) against the embedded server over real HTTP: a turn that makes a file, the
list, a file opened as text, saved into the current folder and never over a file there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

from tests.conftest import wait_until
from tests.hostile_server import KEY, HostileServer, Script, json_reply
from tests.ui.test_audit_log import ready, send_and_finish
from tui_app.backends.connection import Connection
from tui_app.server import demo_agent
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.files_screen import FilesScreen, FileViewScreen, as_text

MESSAGE = "please make a file"


def rows(screen: FilesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def files_open(app: TuiApp, pilot: Pilot[None]) -> FilesScreen:
    await pilot.press("f12")
    await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.query_one(DataTable).row_count > 0)
    assert isinstance(app.screen, FilesScreen)
    return app.screen


async def test_f12_lists_the_file_a_turn_made_opens_it_and_saves_it_here(
    connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path, content = demo_agent.demo_file(1, MESSAGE)
    app = TuiApp(connection)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, MESSAGE)
        screen = await files_open(app, pilot)
        assert [row[0] for row in rows(screen)] == [path, "out/turn-1.md"]
        assert rows(screen)[0][1] == f"{len(content.encode())} B"

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FileViewScreen))
        assert app.screen.query_one(TextArea).text == content
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)

        await pilot.press("s")
        await wait_until(pilot, lambda: (tmp_path / path).exists())
        assert (tmp_path / path).read_text(encoding="utf-8") == content
        (tmp_path / path).write_text("mine", encoding="utf-8")
        await pilot.press("s")
        await wait_until(pilot, lambda: any("Not replaced" in n.message for n in app.notices.history))
        assert (tmp_path / path).read_text(encoding="utf-8") == "mine"


def test_binary_is_not_shown_as_text() -> None:
    assert as_text(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    assert as_text(b"\xff\xfe bad utf-8") is None
    assert as_text("# notes ✓".encode()) == "# notes ✓"


async def test_an_ended_session_says_its_sandbox_is_gone(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        session = app.current
        assert session is not None
        app.workspace.start_end(session)
        await wait_until(pilot, lambda: session.state == "ended")
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and "No files" in status_of(app.screen))
        assert status_of(app.screen).startswith("This session has ended: its sandbox is gone")


def status_of(screen: object) -> str:
    assert isinstance(screen, FilesScreen)
    return str(screen.query_one("#files-status", Static).render())


async def test_a_hostile_path_is_refused_and_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "deep" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    listing = {"chatId": "chat_h", "files": [{"path": "../../escape.txt", "sizeBytes": 20}]}
    with HostileServer(Script(files=json_reply(listing))) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            screen = await files_open(app, pilot)
            assert rows(screen)[0][0] == "../../escape.txt"
            await pilot.press("s")
            await wait_until(pilot, lambda: any("Refused" in n.message for n in app.notices.history))
    assert [p for p in tmp_path.rglob("escape.txt")] == []
