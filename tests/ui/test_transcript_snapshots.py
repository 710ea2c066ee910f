"""What the transcript looks like at 80x24: a reply with reasoning and a tool call, then with one opened.

Update after a deliberate change with `pytest tests/ui/test_transcript_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.message_view import MessageView, ToolCallView
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

SIZE = (80, 24)


async def tool_and_thinking_reply(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app = pilot.app
    composer = app.query_one(Composer)
    composer.cursor_blink = False  # a blinking cursor would make snapshots flaky
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    composer.insert("tool think hello")
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: app.current.state == "ready"
        and len(app.query(MessageView)) == 2
        and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].display_text
        and not app.query_one(TranscriptView).rendering,
    )
    await pilot.pause(0.3)


def test_a_reply_with_reasoning_and_a_tool_call_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def scrolled_to_the_reply(pilot) -> None:  # type: ignore[no-untyped-def]
        await tool_and_thinking_reply(pilot)
        app = pilot.app
        view = app.query_one(TranscriptView)
        view.scroll_to_widget(app.query(MessageView).last(), animate=False, top=True)
        await pilot.pause(0.3)

    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=scrolled_to_the_reply)


async def settled(pilot, view: TranscriptView) -> None:  # type: ignore[no-untyped-def]
    """Until the transcript's layout and scroll stop moving (the expanded block laid out, the
    scrollbar drawn for it): a fixed pause raced them on a loaded machine."""
    seen = None
    for _ in range(300):
        await pilot.pause(0.05)
        now = (view.rendering, view.scroll_y, view.virtual_size, view.max_scroll_y, view.vertical_scrollbar.window_virtual_size)
        if now == seen and not view.rendering:
            return
        seen = now
    raise AssertionError("the transcript did not settle")


def test_an_opened_tool_call_in_a_focused_transcript_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        await tool_and_thinking_reply(pilot)
        app = pilot.app
        view = app.query_one(TranscriptView)
        view.focus()
        tool = app.query_one(ToolCallView)
        tool.collapsed = False
        await settled(pilot, view)
        view.scroll_to_widget(tool, animate=False, top=True, immediate=True)
        await settled(pilot, view)

    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=opened)
