"""What a queued message and a collapsed paste look like (issue 15), at 80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_composer_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events

from tests.conftest import connection_to, wait_until
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.queued_messages import QueuedMessages

SIZES = [(80, 24), (120, 40)]
FIXED = LoadedSettings(Settings(), Path("/home/user/.config/tui-app/config.toml"))


@pytest.fixture
def stalled_server() -> Iterator[EmbeddedServer]:
    # The agent's first token is a quarter of an hour away: the turn runs, still, for the picture.
    with EmbeddedServer(ServerOptions(tokens_per_second=0.001)) as running:
        yield running


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app = pilot.app
    app.query_one(Composer).cursor_blink = False  # a blinking cursor would make snapshots flaky
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_a_queued_message(snap_compare, stalled_server: EmbeddedServer, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def queue_one(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        app = pilot.app
        composer = app.query_one(Composer)
        composer.insert("Look at the failing test")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "streaming")
        composer.insert("Then fix it\nand run the suite again")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query_one(QueuedMessages).display)
        await pilot.pause()

    app = TuiApp(connection_to(stalled_server), settings=FIXED)
    assert snap_compare(app, terminal_size=size, run_before=queue_one)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_a_collapsed_paste(snap_compare, connection: Connection, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def paste(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        app = pilot.app
        app.query_one(Composer).insert("Why does this fail? ")
        app.post_message(events.Paste("\n".join(f"line {n}" for n in range(1, 5001))))
        await pilot.pause()

    assert snap_compare(TuiApp(connection, settings=FIXED), terminal_size=size, run_before=paste)
