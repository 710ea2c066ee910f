"""Snapshots of the side column (issue 15): six sessions and the one on screen at 80x24 and
120x40, the column hidden with Ctrl+B at both sizes, and a 60x15 terminal, where it hides by
itself."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import MessageView

FIXED = LoadedSettings(Settings(), Path("/home/user/.config/tui-app/config.toml"))
TITLES = ["Research", "A review of the quarterly figures, line by line", "Groceries", "Trip", "Notes"]


async def six_sessions_the_second_on_screen(pilot, hide: bool = False) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    for title in TITLES:
        app.new_session(title)
    await wait_until(pilot, lambda: len(app.sessions) == 6 and all(s.state == "ready" for s in app.sessions.values()), timeout=30)
    await pilot.press("ctrl+g", "2")
    await wait_until(pilot, lambda: app.current.title == "Research")
    app.query_one(Composer).cursor_blink = False
    if hide:
        await pilot.press("ctrl+b")
    await pilot.press(*"where am I?", "enter")
    await wait_until(
        pilot,
        lambda: app.current.state == "ready"
        and len(app.current.transcript.turns) == 1
        and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].display_text,
    )
    await pilot.pause()


async def hidden_with_ctrl_b(pilot) -> None:  # type: ignore[no-untyped-def]
    # Hidden before the reply: a reply drawn while the column was shown and then widened
    # re-wraps only after a moment in a headless run (two frames out of five, not seen in tmux),
    # which would make this picture depend on timing.
    await six_sessions_the_second_on_screen(pilot, hide=True)
    await pilot.pause()


def test_six_sessions_and_the_one_on_screen_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(80, 24), run_before=six_sessions_the_second_on_screen)


def test_six_sessions_and_the_one_on_screen_at_120x40(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(120, 40), run_before=six_sessions_the_second_on_screen)


def test_side_column_hidden_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(80, 24), run_before=hidden_with_ctrl_b)


def test_side_column_hidden_at_120x40(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(120, 40), run_before=hidden_with_ctrl_b)


def test_a_60x15_terminal_keeps_the_chat(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(60, 15), run_before=six_sessions_the_second_on_screen)


async def shown_with_ctrl_b(pilot) -> None:  # type: ignore[no-untyped-def]
    # Below 70 columns the column starts hidden: Ctrl+B brings it over the chat, focused.
    await six_sessions_the_second_on_screen(pilot)
    await pilot.press("ctrl+b")
    await pilot.pause()


def test_a_60x15_terminal_shows_the_list_on_ctrl_b(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(60, 15), run_before=shown_with_ctrl_b)
