"""New files in the sidebar, against the embedded server over real HTTP: a turn off screen that
writes a file marks its session (Case.dev: the sandbox listed when the turn ends; Stewrd: the
files its reply returned), opening the files view clears the mark, and a view left open lists
again when a turn ends."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.conftest import wait_until
from tests.ui.test_audit_log import ready, send_and_finish
from tests.ui.test_files_screen import MESSAGE, files_open, rows
from tui_app.backends.connection import Connection
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.session_sidebar import SessionItem
from tui_app.workspace.workspace import Store
from tui_app.workspace.new_files import has_new_files
from tui_app.workspace.session_controller import SessionController


def row_text(app: TuiApp) -> str:
    return "\n".join(str(item.query_one(Static).render()) for item in app.query(SessionItem))


async def another_session_on_screen(app: TuiApp, pilot: Pilot[None]) -> SessionController:
    """Open a second session, on screen from now on; the first one's turns are then off screen."""
    other = app.new_session("Other")
    await wait_until(pilot, lambda: app.current is other and other.state == "ready")
    return other


async def first_watched(app: TuiApp, pilot: Pilot[None]) -> tuple[SessionController, list[SessionController]]:
    """The first session, once ready, and the sessions whose turn's files were checked since."""
    await ready(pilot)
    first = app.current
    assert first is not None and app.new_files is not None
    checked: list[SessionController] = []
    app.new_files.checked.subscribe(checked.append)
    return first, checked


async def test_a_casedev_turn_off_screen_that_writes_a_file_marks_the_session_until_f12_shows_it(
    connection: Connection,
) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        first, checked = await first_watched(app, pilot)
        await send_and_finish(app, pilot, "hello")  # on screen: seen, no mark
        await wait_until(pilot, lambda: checked == [first])
        assert not has_new_files(first)

        other = await another_session_on_screen(app, pilot)
        app.workspace.start_send(first, MESSAGE)
        await wait_until(pilot, lambda: "+files" in row_text(app))
        assert has_new_files(first) and not has_new_files(other)
        item = app.query_one(f"#session-{first.id}", SessionItem)
        assert "new files from a turn" in str(item.tooltip)

        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current is first)
        assert "+files" in row_text(app)  # still there: the reply was seen, its files not yet
        screen = await files_open(app, pilot, 3)
        assert not has_new_files(first)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen and "+files" not in row_text(app))


async def test_a_stewrd_reply_that_returns_a_file_marks_the_session_and_one_without_does_not(
    server: EmbeddedServer, tmp_path: Path
) -> None:
    with Store(tmp_path / "tui-app.db") as store:  # where Stewrd's returned files are kept
        app = TuiApp(Connection("stewrd", server.base_url, ApiKey(server.api_key)), store=store)
        await stewrd_turns_mark(app)


async def stewrd_turns_mark(app: TuiApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.current
        assert first is not None
        await another_session_on_screen(app, pilot)
        await sent_off_screen(app, pilot, first, "hello")
        assert not has_new_files(first) and "+files" not in row_text(app)
        await sent_off_screen(app, pilot, first, MESSAGE)
        await wait_until(pilot, lambda: "+files" in row_text(app))
        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current is first)
        screen = await files_open(app, pilot)
        assert [row[0] for row in rows(screen)] == ["notes/turn-2/summary.md"]
        assert rows(screen)[0][2] == "2"  # the turn that wrote it
        assert not has_new_files(first)


async def sent_off_screen(app: TuiApp, pilot: Pilot[None], session: SessionController, text: str) -> None:
    turns = len(session.transcript.turns)
    app.workspace.start_send(session, text)
    await wait_until(pilot, lambda: len(session.transcript.turns) == turns + 1 and session.state == "ready")


async def test_the_open_files_view_lists_again_when_a_turn_ends(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        session = app.current
        assert session is not None
        await send_and_finish(app, pilot, MESSAGE)
        screen = await files_open(app, pilot, 2)
        app.workspace.start_send(session, "make a file again")  # the view stays open meanwhile
        await wait_until(pilot, lambda: screen.query_one(DataTable).row_count == 4)
        assert [row[0] for row in rows(screen)] == [
            "notes/turn-1/summary.md", "notes/turn-2/summary.md", "out/turn-1.md", "out/turn-2.md",
        ]  # fmt: skip
        assert [row[2] for row in rows(screen)] == ["1", "2", "1", "2"]  # the turn each appeared after
        # Seen as they came: the session is not marked behind the view.
        await wait_until(pilot, lambda: not has_new_files(session))


