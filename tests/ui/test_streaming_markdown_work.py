"""The work of a streamed frame does not grow with the reply (issue 16: CPU per token flat).

Counted, not timed: the Markdown a frame parses and the blocks it renders, early in a long reply
and late in it, and what the last frame (the reply complete) renders."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from benchmarks.transcript_probe import reply_tokens
from tui_app.ui.widgets.transcript import markdown_lines, streaming_markdown
from tui_app.ui.widgets.transcript.streaming_markdown import LIVE_BLOCKS, StreamingMarkdown

TOKENS_PER_FRAME = 7  # about a frame's worth at 200 tok/s and 30 frames a second


class OneDocument(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield StreamingMarkdown()


class Counter:
    """Per frame: characters given to the block parser, and blocks rendered."""

    def __init__(self) -> None:
        self.parsed = 0
        self.rendered = 0

    def take(self) -> tuple[int, int]:
        taken = (self.parsed, self.rendered)
        self.parsed = self.rendered = 0
        return taken


async def test_a_late_frame_parses_and_renders_no_more_than_an_early_one(monkeypatch) -> None:
    counter = Counter()
    block_starts, render_block = markdown_lines.block_starts, markdown_lines.render_block

    def counted_block_starts(source: str) -> list[int]:
        counter.parsed += len(source)
        return block_starts(source)

    def counted_render_block(*args, **kwargs):  # type: ignore[no-untyped-def]
        counter.rendered += 1
        return render_block(*args, **kwargs)

    for module in (markdown_lines, streaming_markdown):
        monkeypatch.setattr(module, "block_starts", counted_block_starts)
        monkeypatch.setattr(module, "render_block", counted_render_block)
    tokens = reply_tokens(6000)
    app = OneDocument()
    async with app.run_test(size=(100, 40)) as pilot:
        markdown = app.query_one(StreamingMarkdown)
        await pilot.pause()
        frames: list[tuple[int, int]] = []
        text = ""
        for start in range(0, len(tokens), TOKENS_PER_FRAME):
            text += "".join(tokens[start : start + TOKENS_PER_FRAME])
            await markdown.set_text(text)
            markdown.render_line(0)  # what a repaint draws asks for the lines too
            frames.append(counter.take())
        await markdown.set_text(text, final=True)
        markdown.render_line(0)
        last_parsed, last_rendered = counter.take()
    tenth = len(frames) // 10
    early, late = frames[:tenth], frames[-tenth:]
    assert len(text) > 20_000
    assert max(parsed for parsed, _ in late) <= 2 * max(parsed for parsed, _ in early)
    assert sum(parsed for parsed, _ in late) <= 1.2 * sum(parsed for parsed, _ in early)
    assert max(rendered for _, rendered in late) <= max(rendered for _, rendered in early)
    assert sum(rendered for _, rendered in late) <= 1.2 * sum(rendered for _, rendered in early)
    assert last_parsed <= 2 * max(parsed for parsed, _ in early)
    assert last_rendered <= LIVE_BLOCKS  # the complete reply freezes the live tail only
