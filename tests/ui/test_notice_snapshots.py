"""The notification history (F3) and F1 with a key conflict, at 80x24 and 120x40.

Update with `pytest tests/ui/test_notice_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.notice_entry import NoticeEntry
from tui_app.ui.widgets.composer import Composer

SIZES = [(80, 24), (120, 40)]
FIXED_PATH = Path("/home/user/.config/tui-app/config.toml")
# 12:00:00 local time on a fixed day, whatever the time zone: the snapshot must not move.
NOON = time.mktime((2026, 1, 1, 12, 0, 0, 0, 0, -1))


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app = pilot.app
    app.query_one(Composer).cursor_blink = False
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")


@pytest.mark.parametrize("size", SIZES)
def test_notification_history(snap_compare, connection: Connection, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def with_history(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        history = pilot.app.notices.history
        history.clear()
        history.extend(
            [
                NoticeEntry(NOON - 1_800, "Settings", "config.toml, line 2: frame_rate: Input should be less than or equal to 120; ignored, the default applies", "warning", "Settings"),
                NoticeEntry(NOON - 60, "Question", "Session 2 asks a question; switch to it to answer. Its turn waits.", "warning", "question:x"),
                NoticeEntry(NOON, "Session 1: not sent", "Case.dev failed (HTTP 500). Try again in a moment.", "error", None),
            ]
        )
        await pilot.press("f3")
        await pilot.pause()

    assert snap_compare(TuiApp(connection, settings=LoadedSettings(Settings(), FIXED_PATH)), terminal_size=size, run_before=with_history)


@pytest.mark.parametrize("size", SIZES)
def test_keys_help_with_a_conflict(snap_compare, connection: Connection, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    settings = LoadedSettings(Settings(keys={"new-session": "ctrl+n,f2"}), FIXED_PATH)

    async def help_screen(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        pilot.app.clear_notifications()  # the start-up toast says the same; F1 is the subject here
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(TuiApp(connection, settings=settings), terminal_size=size, run_before=help_screen)
