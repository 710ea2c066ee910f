"""What each screen looks like, compared with stored SVG snapshots (pytest-textual-snapshot).

Update them after a deliberate change with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.conftest import wait_until
from tui_app.connect import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript_view import MessageView

SIZE = (110, 34)


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app = pilot.app
    app.query_one(Composer).cursor_blink = False  # a blinking cursor would make snapshots flaky
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")


def test_empty_app(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=ready)


def test_app_after_one_reply(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def one_reply(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        app = pilot.app
        app.query_one(Composer).insert("hello there")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.current.state == "ready"
            and len(app.query(MessageView)) == 2
            and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].text,
        )
        await pilot.pause()

    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=one_reply)
