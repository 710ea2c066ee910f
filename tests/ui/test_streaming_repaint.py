"""A streamed frame repaints the lines that changed, not the whole document (issue 16).

Textual repaints a widget's lines from its own cache unless told they changed; a frame that adds
characters to the last line of a long reply must ask for that line only, and the screen must
still end as a one-shot render of the same text."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.strip import Strip

from tui_app.ui.widgets.transcript import streaming_markdown
from tui_app.ui.widgets.transcript.changed_lines import changed_runs
from tui_app.ui.widgets.transcript.streaming_markdown import StreamingMarkdown

PARAGRAPHS = "".join(f"Paragraph {n}, a few words long.\n\n" for n in range(12))


class CountingMarkdown(StreamingMarkdown):
    """Records which lines Textual asked it to draw."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield Vertical(id="holder")


def screen_text(app: App[object], widget: StreamingMarkdown) -> list[str]:
    lines = app.screen._compositor.render_strips()
    region = widget.region
    return [line.crop(region.x, region.right).text.rstrip() for line in lines[region.y : region.bottom]]


async def test_a_frame_that_extends_the_last_line_repaints_that_line_only() -> None:
    app = Harness()
    async with app.run_test(size=(60, 40)) as pilot:
        markdown = CountingMarkdown()
        await app.query_one("#holder").mount(markdown)
        text = PARAGRAPHS + "The last one"
        await markdown.set_text(text)
        await pilot.pause()
        text += " grows"  # (the first frame after a layout draws everything)
        await markdown.set_text(text)
        await pilot.pause()
        height = markdown.size.height
        assert height > 20
        markdown.drawn.clear()

        text += " by a word"
        await markdown.set_text(text)
        await pilot.pause()

        assert markdown.size.height == height
        assert markdown.drawn == [height - 1]
        assert screen_text(app, markdown)[-1] == "The last one grows by a word"


async def test_a_frame_that_adds_a_line_still_shows_every_line_as_a_one_shot_render() -> None:
    app = Harness()
    async with app.run_test(size=(60, 40)) as pilot:
        markdown = StreamingMarkdown()
        await app.query_one("#holder").mount(markdown)
        text = ""
        for word in (PARAGRAPHS + "- an item\n- another item\n\nThe end of it.\n").split(" "):
            text += word + " "
            await markdown.set_text(text)
            await pilot.pause()
        while markdown.growing:  # lines added together are laid out a moment later
            await pilot.pause(0.05)
        await pilot.pause()
        streamed = screen_text(app, markdown)

        reference = StreamingMarkdown()
        await app.query_one("#holder").remove_children()
        await app.query_one("#holder").mount(reference)
        await reference.set_text(text, final=True)
        await pilot.pause()
        assert streamed == screen_text(app, reference)


def test_changed_runs_are_the_runs_of_lines_that_differ() -> None:
    a, b, c = Strip.blank(3), Strip.blank(4), Strip.blank(5)
    assert changed_runs([a, b, c], [a, b, c]) == []
    assert changed_runs([a, b, c], [a, Strip.blank(4), c]) == []  # equal lines drawn again
    assert changed_runs([a, b, c], [a, c, c]) == [(1, 1)]
    assert changed_runs([a, b], [b, b, c, a]) == [(0, 1), (2, 2)]
    assert changed_runs([a, b, c], [a]) == [(1, 2)]


async def test_lines_added_soon_after_others_wait_for_one_layout_and_the_last_frame_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streaming_markdown, "GROW_SECONDS", 3600.0)  # every growth but the first waits
    app = Harness()
    async with app.run_test(size=(60, 40)) as pilot:
        markdown = StreamingMarkdown()
        await app.query_one("#holder").mount(markdown)
        await pilot.pause()  # laid out (empty) before the text comes
        text = "First line"
        await markdown.set_text(text)  # grew: laid out at once (none was laid out within the hour)
        await pilot.pause()
        assert markdown.size.height == 1 and not markdown.growing

        text += " of it.\n\nA second paragraph"
        await markdown.set_text(text)
        await pilot.pause()
        assert markdown.growing and markdown.size.height == 1
        assert screen_text(app, markdown) == ["First line of it."], "the lines shown change at once"

        await markdown.set_text(text + ".\n", final=True)
        await pilot.pause()
        assert not markdown.growing
        assert screen_text(app, markdown) == ["First line of it.", "", "A second paragraph."]
