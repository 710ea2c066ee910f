"""The composer and your own messages (issue 15): a restored draft goes on at its end, Ctrl+U
clears (and Up or Ctrl+Z brings the text back), your line breaks are shown as written."""

from __future__ import annotations

from pathlib import Path

from textual._xterm_parser import XTermParser  # what the app's driver feeds the terminal's bytes through

from tests.conftest import wait_until
from tests.stored_sessions import record_session
from tui_app.persistence.store import Store
from tui_app.backends.connection import Connection
from tui_app.ui import app as app_module
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.message_view import UserTextView
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView


async def ready(app: TuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    await pilot.pause()


async def test_a_restored_draft_is_continued_at_its_end(connection: Connection, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        await draft_continued(TuiApp(connection, store=store))


async def draft_continued(app: TuiApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        first = app.current
        await pilot.press(*"half a thought")
        app.new_session("Other")
        await wait_until(pilot, lambda: app.current is not None and app.current.title == "Other")
        await pilot.pause()
        assert app.query_one(Composer).text == ""

        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current is first)
        await pilot.press(*", finished")
        assert app.query_one(Composer).text == "half a thought, finished"


async def test_ctrl_u_clears_the_composer_and_up_brings_it_back(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        composer = app.query_one(Composer)
        composer.insert("first line\nsecond line")
        await pilot.press("ctrl+u")
        assert composer.text == ""
        await pilot.press("up")
        assert composer.text == "first line\nsecond line"
        await pilot.press("!")
        assert composer.text == "first line\nsecond line!"  # the cursor is at the end


async def test_ctrl_z_undoes_a_clear(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        composer = app.query_one(Composer)
        await pilot.press(*"keep me")
        await pilot.press("ctrl+u")
        assert composer.text == ""
        await pilot.press("ctrl+z")
        assert composer.text == "keep me"


async def test_the_help_lists_the_clear_key(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert ("clear-composer", "ctrl+u", "Clear the composer") in [
            (info.id, info.keys, info.description) for info in app.binding_catalogue()
        ]


async def test_your_line_breaks_are_shown_as_written_and_markup_stays_text(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press(*"line one", "ctrl+j", *"line two [b]x[/b] *y*", "enter")
        await wait_until(pilot, lambda: bool(app.query("MessageView.-user .message-text")))
        await pilot.pause()
        assert app.query_one("MessageView.-user .message-text").size.height == 2  # Markdown joined them into one
        shown = str(app.query(UserTextView).first().render())
        assert shown == "line one\nline two [b]x[/b] *y*"


async def test_typing_in_the_transcript_goes_to_the_composer_and_runs_nothing(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press(*"hi", "enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1)
        transcript = app.query_one(TranscriptView)
        transcript.focus()
        await pilot.pause()
        app.copy_to_clipboard("before")
        await pilot.press(*"cyjk ok")  # once copy, copy code, next, previous
        composer = app.query_one(Composer)
        assert composer.text == "cyjk ok"
        assert composer.has_focus
        assert app.clipboard == "before"  # no command ran


async def test_the_transcript_copies_with_ctrl_c(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press(*"hi", "enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1)
        app.query_one(TranscriptView).focus()
        await pilot.pause()
        await pilot.press("ctrl+c")
        assert app.clipboard == app.current.transcript.messages[-1].text


class TypedAtLaunch(TuiApp):
    """The app with keys arriving as it starts, as a quick typist's do in a real terminal (the
    bytes wait in the terminal and reach the app with its first events)."""

    CSS_PATH = [str(Path(app_module.__file__).parent / path) for path in TuiApp.CSS_PATH]

    def on_mount(self) -> None:  # Textual runs TuiApp's own on_mount right after this one
        for event in XTermParser().feed("typed early"):
            self.post_message(event)


async def test_what_is_typed_before_the_first_session_is_on_screen_is_kept(connection: Connection, tmp_path: Path) -> None:
    # Typed at launch while the stored sessions are still being read: the switch to the first
    # one used to replace the composer's text with that session's (empty) draft.
    with Store(tmp_path / "tui-app.db") as store:
        await record_session(connection, store, "Earlier", "hello")
    with Store(tmp_path / "tui-app.db") as store:
        app = TypedAtLaunch(connection, store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            assert app.current is not None and app.current.title == "Earlier"
            assert app.query_one(Composer).text == "typed early"
            shown = app.current.id
        assert store.draft(shown) == "typed early"  # kept as that session's draft, like any typing
