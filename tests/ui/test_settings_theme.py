"""F2's form starts from the theme in use (one picked in the palette included), and Apply keeps it."""

from __future__ import annotations

from textual.widgets import Select

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.settings_screen import SettingsScreen


async def test_apply_keeps_the_theme_picked_in_the_palette(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        picked = next(name for name in sorted(app.available_themes) if name != app.theme)
        app.theme = picked  # what choosing a theme in the palette does
        await pilot.press("f2")
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#theme", Select).value == picked
        await pilot.click("#apply")
        await wait_until(pilot, lambda: not isinstance(app.screen, SettingsScreen))
        assert app.theme == picked
        assert app.settings.theme == picked
