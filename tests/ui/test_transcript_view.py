"""The transcript widget as a user meets it: long sessions, following output, tools, notes, copying."""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Collapsible

from tui_app.core import tool_calls
from tui_app.core.events import ToolCall
from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.ui.widgets.transcript.message_view import MessageView, ReasoningView, ToolCallView
from tui_app.ui.widgets.transcript.message_window import FOLLOW_KEPT
from tui_app.ui.widgets.transcript.transcript_view import MAX_MOUNTED, PAGE, NewOutputMarker, TranscriptView

CSS = Path(__file__).resolve().parents[2] / "tui_app" / "ui" / "widgets" / "transcript" / "transcript.tcss"

REPLY = "Here is some code:\n\n```python\nprint('one')\n```\n\nAnd more:\n\n```\ntwo\n```\n"


class Harness(App[None]):
    CSS_PATH = str(CSS)

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")


def user(n: int, text: str | None = None) -> Message:
    return Message(f"u{n}", "user", None, (Part(f"u{n}:t", "text", text or f"question {n}"),), completed=True)


def reply(n: int, *parts: Part, done: bool = True) -> Message:
    return Message(f"a{n}", "assistant", f"t{n}", parts or (Part(f"a{n}:t", "text", f"Answer **{n}**.\n\n- a\n- b\n"),), done)


def long_transcript(pairs: int) -> Transcript:
    messages = []
    for n in range(pairs):
        messages += [user(n), reply(n)]
    return Transcript(messages=tuple(messages), turns=tuple(Turn(f"t{n}", state="completed") for n in range(pairs)))


async def settle(pilot, view: TranscriptView) -> None:  # type: ignore[no-untyped-def]
    for _ in range(750):
        await pilot.pause(0.02)
        if not view.rendering:
            break
    await pilot.pause()


async def page_loaded(pilot, view: TranscriptView) -> None:  # type: ignore[no-untyped-def]
    """After a scroll to either end: until the page it loads (if any) is mounted."""
    await pilot.pause(0.05)
    for _ in range(750):
        await pilot.pause(0.02)
        if not view._loading_earlier:
            break
    await pilot.pause(0.1)


async def test_a_session_of_5000_messages_paints_its_last_page_fast_and_pages_in_earlier_ones() -> None:
    app = Harness()
    transcript = long_transcript(2500)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.pause()
        started = time.perf_counter()
        await view.reset()
        view.show(transcript)
        while not app.query(MessageView) or view.rendering:
            await pilot.pause(0)
        first_paint = time.perf_counter() - started
        assert 2 <= view.mounted_messages <= PAGE  # what fills the screen, not 5,000
        assert first_paint < 2.0, f"first paint took {first_paint:.3f} s"  # ~0.1-0.2 s here; generous for loaded CI
        await settle(pilot, view)
        assert app.query(MessageView).last().message_id == "a2499"
        for _ in range(750):  # the page above is mounted once the first screen is painted
            if view.mounted_messages > PAGE and not view._loading_earlier:
                break
            await pilot.pause(0.02)
        mounted = view.mounted_messages
        assert mounted <= 2 * PAGE

        # Scrolling to the top mounts the previous page and keeps the reader where they were.
        top_before = app.query(MessageView).first()
        view.scroll_home(animate=False)
        await settle(pilot, view)
        for _ in range(750):  # the page comes a slice at a time; wait for the whole of it
            if view.mounted_messages > mounted and not view._loading_earlier:
                break
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        assert view.mounted_messages == mounted + PAGE
        assert len(app.query(MessageView)) == mounted + PAGE
        assert top_before.region.y >= view.region.y  # the message that was on top is still in view, not jumped away
        assert view.scroll_y > 0


async def test_reading_far_up_keeps_a_bounded_window_and_end_comes_back_to_the_newest() -> None:
    app = Harness()
    transcript = long_transcript(2500)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(transcript)
        await settle(pilot, view)
        view.focus()  # selects the last message, later unmounted below: new output must not jump to it
        await pilot.pause()
        seen_first = []
        for _ in range(6):  # scroll to the top, page after page
            view.scroll_home(animate=False)
            await page_loaded(pilot, view)
            assert view.scroll_y > 0  # the reader stays where they were, above the new page
            seen_first.append(app.query(MessageView).first().message_id)
            assert view.mounted_messages <= MAX_MOUNTED
            assert len(app.query(MessageView)) == view.mounted_messages
        assert len(set(seen_first)) == len(seen_first)  # every page went further back
        assert app.query(MessageView).last().message_id != "a2499"  # the far bottom was unmounted

        # Output arriving meanwhile is announced, not mounted.
        grown = Transcript(messages=transcript.messages + (user(9999, "new"),), turns=transcript.turns)
        reading_at = view.scroll_y
        view.show(grown)
        await settle(pilot, view)
        await pilot.pause(0.1)
        assert app.query_one(NewOutputMarker).display
        assert view.scroll_y == reading_at  # the reader was not moved

        # Scrolling down pages the later messages in again.
        first_before = app.query(MessageView).first().message_id
        view.scroll_end(animate=False)
        await page_loaded(pilot, view)
        assert app.query(MessageView).first().message_id != first_before
        assert view.mounted_messages <= MAX_MOUNTED

        view.focus()
        await pilot.press("end")
        await settle(pilot, view)
        await pilot.pause(0.2)
        assert app.query(MessageView).last().message_id == "u9999"
        assert view.following


async def test_a_long_session_followed_turn_after_turn_keeps_a_bounded_window_and_pages_back_up() -> None:
    app = Harness()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TranscriptView)
        most = 0
        for pairs in range(1, 61):  # a turn at a time, as a session grows while the reader follows
            view.show(long_transcript(pairs))
            await settle(pilot, view)
            most = max(most, view.mounted_messages)
        assert view.following
        assert most <= FOLLOW_KEPT + PAGE  # before: every message stayed mounted (120 here)
        assert len(app.query(MessageView)) == view.mounted_messages
        assert app.query(MessageView).last().message_id == "a59"
        first_kept = app.query(MessageView).first().message_id
        assert first_kept != "u0"

        # Scrolling up pages the unmounted messages in again.
        view.scroll_home(animate=False)
        await page_loaded(pilot, view)
        assert app.query(MessageView).first().message_id != first_kept


class SlowFrames(App[None]):
    CSS_PATH = str(CSS)

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript", frame_rate=0.1)  # a tick every ten seconds


async def test_the_last_frame_of_a_turn_does_not_wait_for_the_next_tick() -> None:
    app = SlowFrames()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TranscriptView)
        running = Transcript(messages=(user(1), reply(1, done=False)), turns=(Turn("t1"),))
        view.show(running)  # the first paint: at once
        await settle(pilot, view)
        growing = Transcript(
            messages=(user(1), reply(1, Part("a1:t", "text", "Answer, growing"), done=False)), turns=(Turn("t1"),)
        )
        view.show(growing)  # waits for the tick, ten seconds away
        await pilot.pause(0.1)
        assert view.rendering
        ended = Transcript(
            messages=(user(1), reply(1, Part("a1:t", "text", "Answer, whole."))), turns=(Turn("t1", state="completed"),)
        )
        view.show(ended)
        for _ in range(100):  # before: the tick, ten seconds later
            if not view.rendering:
                break
            await pilot.pause(0.02)
        assert not view.rendering
        assert "Answer, whole." in app.query(MessageView).last().shown_text


async def test_it_follows_the_bottom_until_the_user_scrolls_up_then_offers_a_way_down() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        text = ""
        for n in range(40):
            text += f"Line {n} of a long reply.\n\n"
            view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", text), done=False)), turns=(Turn("t0"),)))
            await settle(pilot, view)
        assert view.following
        assert view.scroll_y == view.max_scroll_y
        marker = app.query_one(NewOutputMarker)
        assert not marker.display

        view.scroll_to(y=0, animate=False)
        await pilot.pause()
        assert not view.following
        text += "More output while the user reads above.\n"
        view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", text), done=False)), turns=(Turn("t0"),)))
        await settle(pilot, view)
        assert marker.display
        assert "Ctrl+End to jump" in str(marker.render())
        assert view.scroll_y == 0  # not dragged down

        view.focus()
        await pilot.press("end")
        await settle(pilot, view)
        assert view.following and not marker.display
        assert view.scroll_y == view.max_scroll_y

        view.scroll_to(y=0, animate=False)
        await pilot.pause()
        text += "And more.\n"
        view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", text), done=False)), turns=(Turn("t0"),)))
        await settle(pilot, view)
        assert marker.display
        await pilot.click(NewOutputMarker)
        await settle(pilot, view)
        assert view.following and not marker.display


async def test_tool_calls_and_reasoning_are_collapsible_and_stopped_turns_say_so() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        parts = (
            Part("r", "reasoning", "I should *search* first."),
            Part("tool", "tool", tool_calls.encode(ToolCall("demo_search", "completed", "cats", "3 results about cats", title="Searching for cats"))),
            Part("broken", "tool", tool_calls.encode(ToolCall("demo_search", "error", "cats", error="upstream returned 502"))),
            Part("t", "text", "Partial answer"),
        )
        transcript = Transcript(
            messages=(user(0), reply(0, *parts)),
            turns=(Turn("t0", state="cancelled"),),
        )
        view.show(transcript)
        await settle(pilot, view)
        reasoning = app.query_one(ReasoningView)
        assert reasoning.collapsed
        tools = list(app.query(ToolCallView))
        assert [tool.collapsed for tool in tools] == [True, True]
        assert "demo_search" in tools[0].title and "completed" in tools[0].title
        assert tools[1].has_class("-failed")
        screen = "\n".join(line.text for line in app.screen._compositor.render_strips())
        assert "Thinking" in screen and "search* first" not in screen
        assert "Cancelled" in screen

        tools[0].collapsed = False
        reasoning.collapsed = False
        await settle(pilot, view)
        screen = "\n".join(line.text for line in app.screen._compositor.render_strips())
        assert "3 results about cats" in screen
        assert "Searching for cats" in screen
        assert "I should search first." in screen

        failed = Transcript(messages=(user(1), reply(1)), turns=(Turn("t1", state="failed", error="the session expired"),))
        await view.reset()
        view.show(failed)
        await settle(pilot, view)
        screen = "\n".join(line.text for line in app.screen._compositor.render_strips())
        assert "Expired: the session expired" in screen
        assert app.query(Collapsible) is not None


async def test_a_message_and_its_code_blocks_can_be_copied(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(Transcript(messages=(user(0, "first question"), reply(0, Part("a0:t", "text", REPLY))), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        view.focus()
        await pilot.pause()
        assert app.query(MessageView).last().has_class("-selected")
        await pilot.press("ctrl+c")
        assert app.clipboard == REPLY
        assert (tmp_path / "clipboard.txt").read_text() == REPLY
        await pilot.press("ctrl+y")
        assert app.clipboard == "print('one')\n"
        await pilot.press("ctrl+y")
        assert app.clipboard == "two\n"
        await pilot.press("up", "ctrl+c")
        assert app.clipboard == "first question"


async def test_agent_text_cannot_send_terminal_control_sequences() -> None:
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", "safe\x1b]52;c;ZXZpbA==\x07 text\x1b[2J"))), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        screen = "\n".join(line.text for line in app.screen._compositor.render_strips())
        assert "safe text" in screen
        assert "\x1b" not in screen
