"""What the storage banner looks like while the store refuses writes (pytest-textual-snapshot).

Update after a deliberate change with `pytest tests/ui/test_storage_snapshot.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Static

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer


def test_banner_while_the_database_is_read_only(snap_compare, connection: Connection, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "tui-app.db")

    async def read_only(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        app = pilot.app
        composer = app.query_one(Composer)
        composer.cursor_blink = False  # a blinking cursor would make snapshots flaky
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        assert await asyncio.to_thread(store.flush, 60)
        await asyncio.to_thread(store._writer_pragma, "query_only = 1")  # every write is refused
        await pilot.press(*"typed while read-only")  # one change: the draft
        banner = app.query_one("#storage-banner", Static)
        await wait_until(pilot, lambda: banner.display and "1 change waiting" in str(banner.content))
        await pilot.pause()

    try:
        assert snap_compare(TuiApp(connection, store=store), terminal_size=(100, 30), run_before=read_only)
    finally:
        store._writer_pragma("query_only = 0")
        store.close()
