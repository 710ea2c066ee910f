"""Knowing where you are and getting elsewhere (issue 15): Alt+digit as terminals really send it,
Ctrl+G then a digit, the session on screen marked in the sidebar and named above the transcript."""

from __future__ import annotations

from textual._xterm_parser import XTermParser  # what the app's driver feeds the terminal's bytes through
from textual.widgets import Static

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.help import HelpScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import CURRENT_MARK, SessionItem
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView


async def three_sessions(app: TuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    app.new_session("Second")
    app.new_session("Third")
    await wait_until(pilot, lambda: len(app.sessions) == 3 and app.current is not None and app.current.title == "Third")
    await pilot.pause()


async def terminal_sends(app: TuiApp, pilot, data: str) -> None:  # type: ignore[no-untyped-def]
    """Deliver `data` as the terminal's bytes would arrive: parsed by Textual's xterm parser,
    each event posted to the app as its driver does."""
    for event in XTermParser().feed(data):
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()


def titles(app: TuiApp) -> list[str]:
    return [session.title for session in app.workspace.order]


async def test_esc_and_a_digit_switches_sessions_and_types_nothing(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await three_sessions(app, pilot)
        composer = app.query_one(Composer)
        composer.focus()
        first, second, _ = titles(app)

        await terminal_sends(app, pilot, "\x1b1")  # tmux / xterm: Alt+1
        await wait_until(pilot, lambda: app.current is not None and app.current.title == first)
        await terminal_sends(app, pilot, "\x1b2")
        await wait_until(pilot, lambda: app.current is not None and app.current.title == second)
        assert composer.text == ""  # not "¡™"

        app.query_one(TranscriptView).focus()  # from the transcript too
        await terminal_sends(app, pilot, "\x1b1")
        await wait_until(pilot, lambda: app.current is not None and app.current.title == first)


async def test_alt_digit_as_kitty_reports_it_switches(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await three_sessions(app, pilot)
        app.query_one(Composer).focus()
        await terminal_sends(app, pilot, "\x1b[50;3u")  # kitty keyboard protocol: Alt+2
        await wait_until(pilot, lambda: app.current is not None and app.current.title == "Second")
        assert app.query_one(Composer).text == ""


async def test_a_pound_sign_typed_on_a_uk_keyboard_stays_text(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await three_sessions(app, pilot)
        app.query_one(Composer).focus()
        await terminal_sends(app, pilot, "£5")
        assert app.query_one(Composer).text == "£5"
        assert app.current is not None and app.current.title == "Third"


async def test_ctrl_g_then_a_digit_switches_in_any_terminal(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await three_sessions(app, pilot)
        first = titles(app)[0]
        await terminal_sends(app, pilot, "\x07")  # Ctrl+G
        assert "press 1-3" in str(app.screen.query_one("#go-to-prompt", Static).render())
        await pilot.press("1")
        await wait_until(pilot, lambda: app.current is not None and app.current.title == first)
        assert app.query_one(Composer).text == ""

        await pilot.press("ctrl+g", "escape")  # Escape goes back, nowhere else
        assert app.current.title == first
        assert app.query_one(Composer).text == ""


async def test_help_and_palette_offer_the_portable_switch(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await three_sessions(app, pilot)
        assert ("go-to", "ctrl+g") in [(info.id, info.keys) for info in app.binding_catalogue()]
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert commands["Go to session (then 1-9)"].startswith("ctrl+g")
        assert "ctrl+g 2" in commands["Switch to Second"]


def sidebar_rows(app: TuiApp) -> dict[str, tuple[bool, str]]:
    rows = {}
    for item in app.query(SessionItem):
        session = app.sessions[item.session_id]
        rows[session.title] = (item.has_class("-current"), str(item.query_one(Static).render()))
    return rows


async def test_the_session_on_screen_is_marked_and_named(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await three_sessions(app, pilot)
        rows = sidebar_rows(app)
        assert rows["Third"][0] and rows["Third"][1].startswith(CURRENT_MARK)
        assert not rows["Second"][0] and not rows["Second"][1].startswith(CURRENT_MARK)
        assert str(app.query_one("#session-title", Static).render()).startswith("Third ·")

        await pilot.press("ctrl+g", "2")
        await wait_until(pilot, lambda: app.current is not None and app.current.title == "Second")
        rows = sidebar_rows(app)
        assert rows["Second"][0] and rows["Second"][1].startswith(CURRENT_MARK)
        assert not rows["Third"][0] and not rows["Third"][1].startswith(CURRENT_MARK)
        assert str(app.query_one("#session-title", Static).render()).startswith("Second ·")


async def test_a_title_is_shown_as_text_not_markup(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.new_session("[b]bold[/b] plan")
        await wait_until(pilot, lambda: app.current is not None and app.current.title.endswith("plan"))
        await pilot.pause()
        assert str(app.query_one("#session-title", Static).render()).startswith("[b]bold[/b] plan")
