"""The files view (F10) against the embedded server over real HTTP: a turn that makes a file, the
list, a file opened as text, saved into the current folder and never over a file there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from tests.conftest import wait_until
from tests.ui.test_audit_log import ready, send_and_finish
from tui_app.backends.connection import Connection
from tui_app.server import demo_agent
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.files_screen import FilesScreen, FileViewScreen, as_text

MESSAGE = "please make a file"


def rows(screen: FilesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def files_open(app: TuiApp, pilot: Pilot[None]) -> FilesScreen:
    await pilot.press("f10")
    await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.query_one(DataTable).row_count > 0)
    assert isinstance(app.screen, FilesScreen)
    return app.screen


async def test_f10_lists_the_file_a_turn_made_opens_it_and_saves_it_here(
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
