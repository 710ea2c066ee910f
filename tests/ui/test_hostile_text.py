"""Data is never markup: a hostile service's error text (with `[/x]`, which Textual's markup
parser rejects, and a live `[@click=app.quit]`), and text the user typed, reach notifications,
titles and status lines as the characters they are. Without that, the app crashes."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.content import Content
from textual.widgets import Static

from tests.conftest import wait_until
from tests.hostile_server import HOSTILE, KEY, HostileServer, Script, json_reply, nested, sse, stream_of, text_part, turn
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.export_screen import ExportScreen
from tui_app.ui.screens.search import SearchScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.workspace.search import MessageSearch
from tui_app.workspace.session_controller import SessionController

MARKUP = "[/x] [@click=app.quit]quit[/] [b]bold"



async def say_hello(pilot: Pilot[None], app: TuiApp) -> SessionController:
    """Send "hello" from the composer once the session is ready; the session it went to."""
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    session = app.current
    assert session is not None
    composer = app.query_one(Composer)
    composer.insert("hello")
    composer.action_send()
    return session

async def test_a_refused_send_with_hostile_error_text_is_notified_as_text() -> None:
    script = Script(respond=json_reply({"error": {"message": HOSTILE}}, 400))
    with HostileServer(script) as server:
        app = TuiApp(Connection("casedev", server.base_url, ApiKey(KEY)))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            composer = app.query_one(Composer)
            composer.insert("hello")
            composer.action_send()
            await wait_until(pilot, lambda: any(MARKUP in n.message for n in app.notices.history), timeout=30)
            await pilot.pause()  # the toast is drawn: a markup error would have ended the app here
            assert app.is_running
            [note] = [n for n in app.notices.history if MARKUP in n.message]
            assert "\x1b" not in note.message and "⟨U+202E⟩evil" in note.message


async def test_a_turn_that_fails_with_hostile_error_text_leaves_the_app_running() -> None:
    script = Script(respond=stream_of(*turn(status="failed", error={"message": HOSTILE})))
    with HostileServer(script) as server:
        app = TuiApp(Connection("casedev", server.base_url, ApiKey(KEY)))
        async with app.run_test(size=(120, 40)) as pilot:
            session = await say_hello(pilot, app)
            await wait_until(pilot, lambda: session.transcript.last_turn is not None and session.state != "streaming")
            await pilot.pause()
            assert app.is_running
            turn_error = session.transcript.last_turn.error  # type: ignore[union-attr]
            assert turn_error is not None and MARKUP in turn_error


class Host(App[None]):
    def __init__(self, screen: object) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)  # type: ignore[arg-type]


async def test_a_search_for_markup_finds_nothing_and_says_so_as_typed(tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        app = Host(SearchScreen(MessageSearch(store), MARKUP))
        async with app.run_test(size=(100, 30)) as pilot:
            status = app.screen.query_one("#search-status", Static)
            await wait_until(pilot, lambda: "Nothing found" in str(status.render()))
            assert MARKUP in str(status.render())


async def test_the_export_screen_shows_a_markup_title_as_text(tmp_path: Path) -> None:
    app = Host(ExportScreen(MARKUP, tmp_path, {"md": "a.md", "json": "a.json"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.is_running
        title = app.screen.query_one("#form-box").border_title
        assert Content.from_markup(str(title)).plain == f"Export {MARKUP}"  # as it is drawn


async def test_a_frame_nested_thousands_deep_leaves_the_session_ready_not_streaming() -> None:
    frames = turn(sse("message.part.updated", nested(5000), 2), text_part("still here", 3))
    with HostileServer(Script(respond=stream_of(*frames))) as server:
        app = TuiApp(Connection("casedev", server.base_url, ApiKey(KEY)))
        async with app.run_test(size=(120, 40)) as pilot:
            session = await say_hello(pilot, app)
            await wait_until(pilot, lambda: session.transcript.last_turn is not None and session.state == "ready")
            assert session.transcript.messages[-1].text == "still here"
