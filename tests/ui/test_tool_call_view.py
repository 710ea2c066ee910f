"""A tool call is shown from its structure, and what the service wrote is shown literally."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui_app.core import tool_calls
from tui_app.core.events import ToolCall
from tui_app.core.transcript import Part
from tui_app.ui.widgets.transcript.message_view import ToolCallView


class OneTool(App[None]):
    def __init__(self, part: Part) -> None:
        super().__init__()
        self.part = part

    def compose(self) -> ComposeResult:
        yield ToolCallView(self.part)

    def on_mount(self) -> None:
        self.query_one(ToolCallView).show(self.part)


def screen_text(app: App[None]) -> str:
    return "\n".join(line.text for line in app.screen._compositor.render_strips())


async def test_markup_and_escape_sequences_from_the_service_are_shown_as_text() -> None:
    call = ToolCall(
        "[b]search[/b]",
        "error",
        '{"q": "[red]x[/red]"}',
        error="bad \x1b[31mthing\x1b[0m [link=http://x]here[/link]",
        title="[i]Looking[/i]\x07",
    )
    app = OneTool(Part("p", "tool", tool_calls.encode(call)))
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(ToolCallView)
        view.collapsed = False
        await pilot.pause()
        shown = screen_text(app)
        assert "[b]search[/b]" in shown and "[i]Looking[/i]" in shown
        assert '{"q": "[red]x[/red]"}' in shown
        assert "bad thing [link=http://x]here[/link]" in shown
        assert "\x1b" not in view.title and "\x07" not in view.title
        assert view.has_class("-failed")


async def test_a_tool_part_stored_by_an_earlier_version_shows_its_line() -> None:
    app = OneTool(Part("p", "tool", "demo_search · completed\n3 results"))
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(ToolCallView)
        view.collapsed = False
        await pilot.pause()
        assert "tool call" in view.title
        assert "demo_search · completed" in screen_text(app) and "3 results" in screen_text(app)
