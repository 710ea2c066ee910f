"""The files view (F12) after a turn that made a file, the file opened in the app, the save
dialog, and a snapshotted session's offer to resume, at 80x24 (and 120x40).

Update with `pytest tests/ui/test_files_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.conftest import connection_to, wait_until
from tests.ui.test_audit_log import ready, send_and_finish
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.file_viewer import FileViewScreen
from tui_app.ui.screens.files_screen import FilesScreen
from tui_app.ui.screens.save_file import SaveFileScreen

SIZES = [(80, 24), (120, 40)]
FIXED_PATH = Path("/home/user/.config/tui-app/config.toml")


@pytest.fixture(autouse=True)
def _same_pictures_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")  # the save dialog shows the current folder
    monkeypatch.setenv("PATH", "/nonexistent")  # whether `xdg-open` is installed changes the keys shown


async def files_listed(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await ready(pilot)
    await send_and_finish(app, pilot, "please make a file")
    app.clear_notifications()
    await pilot.press("f12")
    await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.query_one(DataTable).row_count == 2)
    await pilot.pause()


def app_for(connection: Connection) -> TuiApp:
    return TuiApp(connection, settings=LoadedSettings(Settings(), FIXED_PATH))


@pytest.mark.parametrize("size", SIZES)
def test_files_view(snap_compare, connection: Connection, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(connection), terminal_size=size, run_before=files_listed)


@pytest.mark.parametrize("size", SIZES)
def test_files_viewer_with_markdown(snap_compare, connection: Connection, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        await files_listed(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FileViewScreen))
        await pilot.pause()

    assert snap_compare(app_for(connection), terminal_size=size, run_before=opened)


def test_files_save_dialog(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def saving(pilot) -> None:  # type: ignore[no-untyped-def]
        await files_listed(pilot)
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SaveFileScreen))
        await pilot.pause()

    assert snap_compare(app_for(connection), terminal_size=(80, 24), run_before=saving)


def test_files_view_of_a_snapshotted_session(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def asleep(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await ready(pilot)
        await send_and_finish(app, pilot, "hello")
        await asyncio.sleep(1.2)  # past the server's idle timeout (15 min scaled to 0.9 s)
        session = app.current
        session.last_activity -= session.remote.idle_timeout_ms / 1000  # the app's clock: 15 min later
        app.workspace.check_idle()
        app.clear_notifications()
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.asleep)
        await pilot.pause()

    with EmbeddedServer(ServerOptions(tokens_per_second=0, idle_scale=0.001)) as server:
        assert snap_compare(app_for(connection_to(server)), terminal_size=(80, 24), run_before=asleep)
