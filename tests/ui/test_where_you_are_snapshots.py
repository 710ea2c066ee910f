"""Snapshots for issue 15's first part: the session on screen marked in the sidebar and named
above the transcript; your own line breaks kept. (80x24 is `test_two_sessions_at_80x24`.)"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import MessageView

FIXED = LoadedSettings(Settings(), Path("/home/user/.config/tui-app/config.toml"))


async def two_lines_in_the_second_of_three(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    app.new_session("Research")
    app.new_session("Review")
    await wait_until(pilot, lambda: len(app.sessions) == 3 and app.current.title == "Review" and app.current.state == "ready")
    await pilot.press("ctrl+g", "2")
    await wait_until(pilot, lambda: app.current.title == "Research")
    app.query_one(Composer).cursor_blink = False
    await pilot.press(*"line one", "ctrl+j", *"line two", "enter")
    await wait_until(
        pilot,
        lambda: app.current.state == "ready"
        and len(app.current.transcript.turns) == 1
        and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].display_text,
    )
    await pilot.pause()


def test_current_session_and_line_breaks_at_120x40(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(120, 40), run_before=two_lines_in_the_second_of_three)


def test_current_session_and_line_breaks_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    app = TuiApp(connection, settings=FIXED)
    assert snap_compare(app, terminal_size=(80, 24), run_before=two_lines_in_the_second_of_three)
