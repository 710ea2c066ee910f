"""A dialog answered twice before it is gone (Enter pressed twice quickly) gives its answer once
and leaves the screens under it alone: `Screen.dismiss` pops whatever is on top, and the second
answer popped the app's own screen, stopping the app with `ScreenStackError`."""

from __future__ import annotations

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.screens.new_session import NewSessionScreen


async def test_a_new_session_dialog_submitted_twice_starts_one_session_and_the_app_runs_on(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen))
        dialog = app.screen
        assert isinstance(dialog, NewSessionScreen)
        dialog._start()
        dialog._start()  # the second Enter, handled before the dialog is gone
        await wait_until(pilot, lambda: len(app.workspace.order) == 2 and app.current.state == "ready")  # type: ignore[union-attr]
        await pilot.pause(0.2)
        assert len(app.workspace.order) == 2
        assert app.is_running and not isinstance(app.screen, NewSessionScreen)


async def test_a_confirmation_answered_twice_calls_back_once_and_keeps_the_screen_under_it(connection: Connection) -> None:
    app = TuiApp(connection)
    answers: list[bool | None] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        under = app.screen
        confirm = ConfirmScreen("Sure?")
        app.push_screen(confirm, callback=answers.append)
        await wait_until(pilot, lambda: app.screen is confirm and confirm.focused is not None)
        confirm.dismiss(True)
        confirm.dismiss(False)
        await wait_until(pilot, lambda: app.screen is under)
        await pilot.pause(0.1)
        assert answers == [True] and app.screen is under and app.is_running
