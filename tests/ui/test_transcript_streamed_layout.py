"""A streamed frame reaches the screen by itself (issue 16: end of reply on screen within a frame).

Each frame is rendered inside `App.batch_update`; the screen's idle check that would lay out and
paint it ran while the batch held it. The transcript then stayed at its first layout for the whole
stream (no scrollbar, no growth) and was laid out only at the next unrelated event: at the end of a
long reply the whole text was wrapped again at the scrollbar's width, 0.65 s after the last token.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult

import tui_app.ui
from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

PARAGRAPH = "A line of prose long enough to be a paragraph of its own in the transcript.\n\n"


class TranscriptOnly(App[None]):
    CSS_PATH = [Path(tui_app.ui.__file__).parent / path for path in TuiApp.CSS_PATH]

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")


def streaming(text: str) -> Transcript:
    user = Message(id="u1", role="user", turn_id=None, parts=(Part("u1:text", "text", "go"),), completed=True)
    reply = Message(id="a1", role="assistant", turn_id="t1", parts=(Part("a1:text", "text", text),), completed=False)
    return Transcript(messages=(user, reply), turns=(Turn("t1", state="running"),))


async def test_a_streamed_frame_is_laid_out_without_another_event() -> None:
    app = TranscriptOnly()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(TranscriptView)
        text = ""
        for _ in range(40):  # far more than a screen: the view must scroll, with a scrollbar
            text += PARAGRAPH
            view.show(streaming(text))
            while view.rendering:
                await asyncio.sleep(0.005)
        # No pilot.pause() here: a pause is itself the event that would let the screen lay out.
        for _ in range(200):  # a bound on a liveness wait, not a timing assertion
            if view.max_scroll_y > 0:
                break
            await asyncio.sleep(0.01)
        assert view.show_vertical_scrollbar
        assert view.max_scroll_y > 0
        assert view.scroll_y == view.max_scroll_y  # following the newest output
