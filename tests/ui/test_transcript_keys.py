"""Moving through the transcript with the keys: Home, Down, Enter on a block, as a user meets them."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer

from tui_app.core import tool_calls
from tui_app.core.events import ToolCall
from tui_app.core.transcript import Part, Transcript, Turn
from tui_app.ui.widgets.transcript.message_view import MessageView, ReasoningView, ToolCallView
from tui_app.ui.keymap import catalogue
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tests.ui.test_transcript_view import CSS, long_transcript, reply, settle, user


class WithFooter(App[None]):
    CSS_PATH = str(CSS)

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")
        yield Footer()


def screen_text(app: App[None]) -> str:
    return "\n".join(line.text for line in app.screen._compositor.render_strips())


def selected(app: App[None]) -> str:
    return app.query_one("MessageView.-selected", MessageView).message_id


async def test_down_after_home_moves_one_message_instead_of_jumping_back_to_the_end() -> None:
    app = WithFooter()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(long_transcript(4))  # fits in one page: all 8 messages mounted
        await settle(pilot, view)
        view.focus()
        await pilot.pause()
        assert selected(app) == "a3"
        await pilot.press("home")
        await settle(pilot, view)
        assert selected(app) == "u0"
        await pilot.press("down")
        await pilot.pause()
        assert selected(app) == "a0"
        assert view.scroll_y < view.max_scroll_y  # still reading the top, not thrown to the end
        await pilot.press("end")
        await settle(pilot, view)
        assert selected(app) == "a3"
        await pilot.press("up")
        assert selected(app) == "u3"


def tool_reply() -> Transcript:
    call = ToolCall("demo_search", "completed", "cats", "3 results about cats", title="Searching for cats")
    parts = (Part("r", "reasoning", "I should search."), Part("tool", "tool", tool_calls.encode(call)), Part("t", "text", "Done."))
    return Transcript(messages=(user(0), reply(0, *parts)), turns=(Turn("t0", state="completed"),))


async def test_enter_opens_the_blocks_of_the_selected_message_and_the_footer_says_so() -> None:
    app = WithFooter()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(tool_reply())
        await settle(pilot, view)
        view.focus()
        await pilot.pause()
        assert selected(app) == "a0"
        assert "Expand" in screen_text(app).splitlines()[-1]  # the footer offers Enter here
        await pilot.press("enter")
        await settle(pilot, view)
        assert not app.query_one(ToolCallView).collapsed
        assert not app.query_one(ReasoningView).collapsed
        assert "3 results about cats" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, view)
        assert app.query_one(ToolCallView).collapsed and app.query_one(ReasoningView).collapsed
        await pilot.press("up")  # the user's message has no block: Enter is not offered there
        await pilot.pause()
        assert selected(app) == "u0"
        assert "Expand" not in screen_text(app).splitlines()[-1]


def test_the_keys_help_lists_enter_on_a_block() -> None:
    listed = {info.id: info for info in catalogue([("transcript", TranscriptView)], {})}
    assert listed["transcript-expand"].keys == "enter"
    assert "tool calls" in listed["transcript-expand"].description


LONG_LINE = "result = compute(" + ", ".join(f"argument_{n}" for n in range(20)) + ")  # the end"


async def test_a_long_code_line_shows_that_it_goes_on_and_ctrl_y_copies_all_of_it(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = WithFooter()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        text = f"Run this:\n\n```python\n{LONG_LINE}\nshort()\n```\n\nThat is all.\n"
        view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", text))), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        rows = screen_text(app).splitlines()
        (cut,) = [row for row in rows if "result = compute(" in row]
        assert cut.rstrip().endswith("…")  # the line goes on past the edge, and says so
        assert "# the end" not in screen_text(app)
        (short,) = [row for row in rows if "short()" in row]
        assert not short.rstrip().endswith("…")  # a line that fits is left alone
        view.focus()
        await pilot.press("ctrl+y")
        assert app.clipboard == f"{LONG_LINE}\nshort()\n"


async def test_shift_tab_from_the_composer_lands_on_the_transcript_where_enter_opens_every_block(connection) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import wait_until
    from tui_app.ui.app import TuiApp
    from tui_app.ui.widgets.composer import Composer

    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.query_one(Composer).insert("tool think hello")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.query(ToolCallView)) == 1)  # type: ignore[union-attr]
        await pilot.press("shift+tab")
        assert isinstance(app.focused, TranscriptView)
        await pilot.pause()
        assert "Expand" in screen_text(app).splitlines()[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert not app.query_one(ToolCallView).collapsed and not app.query_one(ReasoningView).collapsed
