"""Ctrl+E where the app cannot hand the terminal over (the web mode, a headless run): a short
notification, and the draft stays as it was. (The editor itself: tests/integration/
test_compose_in_editor.py, in a real pseudo-terminal.)"""

from __future__ import annotations

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer


async def test_ctrl_e_without_a_terminal_to_hand_over_leaves_the_draft(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await pilot.press(*"my draft", "ctrl+e")
        await pilot.pause()
        assert app.query_one(Composer).text == "my draft"
        assert [n.message for n in app._notifications] == ["No editor here: this terminal cannot hand itself over."]


async def test_the_help_lists_the_new_composer_keys(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listed = {(info.id, info.keys) for info in app.binding_catalogue()}
        assert {("editor", "ctrl+e"), ("expand-paste", "f4"), ("unqueue", "ctrl+k"), ("retry-start", "f5")} <= listed
