"""The files view (F12) after a turn that made a file, at 80x24 and 120x40.

Update with `pytest tests/ui/test_files_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.conftest import wait_until
from tests.ui.test_audit_log import ready, send_and_finish
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.files_screen import FilesScreen

SIZES = [(80, 24), (120, 40)]
FIXED_PATH = Path("/home/user/.config/tui-app/config.toml")


@pytest.mark.parametrize("size", SIZES)
def test_files_view(snap_compare, connection: Connection, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def files_listed(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await ready(pilot)
        await send_and_finish(app, pilot, "please make a file")
        app.clear_notifications()
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.query_one(DataTable).row_count == 2)
        await pilot.pause()

    app = TuiApp(connection, settings=LoadedSettings(Settings(), FIXED_PATH))
    assert snap_compare(app, terminal_size=size, run_before=files_listed)
