"""The files view (F12) against the embedded server over real HTTP: a turn that makes a file, the
list, a file opened in the app, saved into a folder the user chooses, and never over a file
there unless they choose to replace it or keep both."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, Static

from tests.conftest import wait_until
from tests.hostile_server import KEY, HostileServer, Script, json_reply
from tests.ui.test_audit_log import ready, send_and_finish
from tui_app.backends.connection import Connection
from tui_app.server import demo_agent
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.file_viewer import FileViewScreen
from tui_app.ui.screens.files_screen import FilesScreen
from tui_app.ui.screens.save_file import ReplaceScreen, SaveFileScreen

MESSAGE = "please make a file"


def rows(screen: FilesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def status_of(screen: object) -> str:
    assert isinstance(screen, FilesScreen)
    return str(screen.query_one("#files-status", Static).render())


async def files_open(app: TuiApp, pilot: Pilot[None], count: int = 1) -> FilesScreen:
    await pilot.press("f12")
    await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.query_one(DataTable).row_count >= count)
    assert isinstance(app.screen, FilesScreen)
    return app.screen


async def save_dialog(app: TuiApp, pilot: Pilot[None], folder: Path | None = None) -> SaveFileScreen:
    """Press s in the files view and wait for the save dialog, its folder typed in if given."""
    await pilot.press("s")
    await wait_until(pilot, lambda: isinstance(app.screen, SaveFileScreen))
    assert isinstance(app.screen, SaveFileScreen)
    if folder is not None:
        app.screen.query_one(Input).value = str(folder)
    return app.screen


async def test_f12_lists_the_file_a_turn_made_opens_it_rendered_and_saves_it_here(
    connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path, content = demo_agent.demo_file(1, MESSAGE)
    app = TuiApp(connection)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, MESSAGE)
        screen = await files_open(app, pilot, 2)
        assert [row[0] for row in rows(screen)] == [path, "out/turn-1.md"]
        assert rows(screen)[0][1] == f"{len(content.encode())} B"
        assert [row[2] for row in rows(screen)] == ["1", "1"]  # seen to appear when turn 1 ended

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FileViewScreen))
        viewer = app.screen
        assert isinstance(viewer, FileViewScreen) and viewer.text == content
        # Rendered as Markdown: the heading is a heading, not a line starting with `#`.
        heading = viewer.query_one(Markdown).query_one("MarkdownH1")
        assert "Notes from turn 1" in str(heading.render()) and "#" not in str(heading.render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)

        dialog = await save_dialog(app, pilot)
        assert dialog.query_one(Input).value == str(tmp_path)  # the current folder to begin with
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen and (tmp_path / path).exists())
        assert (tmp_path / path).read_text(encoding="utf-8") == content
        assert status_of(screen) == f"Saved {path} to {tmp_path / path}"


async def test_a_file_already_there_is_replaced_kept_beside_or_left_as_the_user_chooses(
    connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    path, content = demo_agent.demo_file(1, MESSAGE)
    mine = chosen / path
    mine.parent.mkdir(parents=True)
    mine.write_text("mine", encoding="utf-8")
    app = TuiApp(connection)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, MESSAGE)
        screen = await files_open(app, pilot, 2)

        dialog = await save_dialog(app, pilot, chosen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplaceScreen))
        await pilot.press("escape")  # cancel: nothing written
        await wait_until(pilot, lambda: app.screen is dialog)
        assert "Not replaced" in str(dialog.query_one("#save-problem", Static).render())
        assert mine.read_text(encoding="utf-8") == "mine" and len(list(mine.parent.iterdir())) == 1

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplaceScreen))
        await pilot.press("k")  # keep both
        beside = mine.with_name("summary (2).md")
        await wait_until(pilot, lambda: app.screen is screen and beside.exists())
        assert (mine.read_text(encoding="utf-8"), beside.read_text(encoding="utf-8")) == ("mine", content)
        assert screen.folder == chosen  # the next save starts in the folder chosen

        dialog = await save_dialog(app, pilot)
        assert dialog.query_one(Input).value == str(chosen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplaceScreen))
        await pilot.press("r")  # replace
        await wait_until(pilot, lambda: app.screen is screen)
        assert mine.read_text(encoding="utf-8") == content
        assert sorted(p.name for p in mine.parent.iterdir()) == ["summary (2).md", "summary.md"]


async def test_the_save_dialog_completes_a_folder_name_and_refuses_a_missing_folder(
    connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    app = TuiApp(connection)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, MESSAGE)
        await files_open(app, pilot, 2)
        dialog = await save_dialog(app, pilot)
        field = dialog.query_one(Input)
        field.value = ""
        await pilot.press("r", "e")
        await wait_until(pilot, lambda: field._suggestion == "reports/")
        await pilot.press("right")
        assert field.value == "reports/"
        field.value = str(tmp_path / "nowhere")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "There is no folder" in str(dialog.query_one("#save-problem", Static).render()))
        assert app.screen is dialog and not (tmp_path / "nowhere").exists()


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
            dialog = await save_dialog(app, pilot)
            await pilot.press("enter")
            await wait_until(pilot, lambda: any("Refused" in n.message for n in app.notices.history))
            assert app.screen is dialog
            assert "Nothing was written" in str(dialog.query_one("#save-problem", Static).render())
    assert [p for p in tmp_path.rglob("escape.txt")] == []
