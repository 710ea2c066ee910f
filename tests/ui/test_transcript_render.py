"""Streamed Markdown ends exactly as a one-shot render of the same text, wherever the chunks fall.

The one-shot render is `markdown_lines.render_markdown` of the whole text, drawn by a
`StreamingMarkdown` given the whole text at once, final (nothing streamed, nothing kept live)."""

from __future__ import annotations

import random

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from tui_app.ui.widgets.transcript.markdown_lines import Look, render_markdown
from tui_app.ui.widgets.transcript.streaming_markdown import StreamingMarkdown

REPLY = """# A reply with every kind of block

Here is a paragraph with **bold**, `code` and a [link](https://example.com).
It wraps onto a second source line, and it is long enough to wrap on screen as well, surely.

```python
def greet(name):

    # a blank line above, inside the fence
    return f"hello {name}"
```

| tool | state | cost |
|------|-------|-----:|
| demo_search | completed | $0.002 |
| broken | error | $0 |

1. first
2. second, with a long line that wraps around the edge of the terminal when it is narrow

3. third, after a blank line (a loose list)

- bullet
  - nested bullet
- another

> a quote
> over two lines

A setext heading
----------------

---

```
unclosed at first, closed later
```

The end.
"""


class Harness(App[None]):
    CSS = """
    Screen { layout: vertical; }
    """

    def compose(self) -> ComposeResult:
        yield Vertical(id="holder")


def rendered_lines(app: App[object], widget: Widget) -> list[Strip]:
    """The widget's lines as the screen shows them (text and styles, without meta)."""
    screen_lines = app.screen._compositor.render_strips()
    region = widget.region
    assert region.bottom <= len(screen_lines), "the harness screen must show the whole widget"
    return [
        line.crop(region.x, region.right).simplify().discard_meta() for line in screen_lines[region.y : region.bottom]
    ]


def as_comparable(lines: list[Strip]) -> list[list[tuple[str, str]]]:
    return [[(segment.text, str(segment.style)) for segment in line] for line in lines]


async def one_shot_lines(pilot, text: str) -> list[Strip]:  # type: ignore[no-untyped-def]
    app = pilot.app
    holder = app.query_one("#holder")
    await holder.remove_children()
    reference = StreamingMarkdown(id="one-shot")
    await holder.mount(reference)
    await reference.set_text(text, final=True)
    await pilot.pause()
    assert as_comparable(reference.frozen_strips()) == as_comparable(
        render_markdown(app.console, text, Look(reference.content_size.width, "monokai"))
    )
    return rendered_lines(app, reference)


async def streamed_lines(pilot, chunks: list[str]) -> tuple[list[Strip], StreamingMarkdown]:  # type: ignore[no-untyped-def]
    app = pilot.app
    holder = app.query_one("#holder")
    await holder.remove_children()
    streaming = StreamingMarkdown()
    await holder.mount(streaming)
    text = ""
    for chunk in chunks:
        text += chunk
        await streaming.set_text(text)
        await pilot.pause()
    while streaming.growing:  # lines added together are laid out a moment later (GROW_SECONDS)
        await pilot.pause(0.05)
    await pilot.pause()
    return rendered_lines(app, streaming), streaming


def split_at(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def boundary_cuts(text: str, marker: str, offset: int) -> list[int]:
    return [text.index(marker) + offset]


CUTS = {
    "every line": [i + 1 for i, c in enumerate(REPLY) if c == "\n"],
    "mid-line everywhere": [i for i, c in enumerate(REPLY) if c == "\n"] + [i + 3 for i, c in enumerate(REPLY) if c == "\n"],
    "inside the fence, at its blank line": boundary_cuts(REPLY, "\n\n    # a blank", 1) + [REPLY.index("# A reply") + 12],
    "inside the table": [REPLY.index("|------") + 4, REPLY.index("| broken")],
    "inside the list": [REPLY.index("2. second") + 5, REPLY.index("3. third") - 1, REPLY.index("  - nested") + 2],
    "setext underline late": [REPLY.index("----------------") + 1],
    "a paragraph that becomes the list's next item": [REPLY.index("3. third") + 1, REPLY.index("3. third") + 2],
    "random small chunks": sorted(random.Random(7).sample(range(1, len(REPLY)), 60)),
}


@pytest.mark.parametrize("name", list(CUTS))
async def test_streamed_markdown_ends_identical_to_a_one_shot_render(name: str) -> None:
    app = Harness()
    async with app.run_test(size=(72, 200)) as pilot:
        expected = await one_shot_lines(pilot, REPLY)
        shown, streaming = await streamed_lines(pilot, split_at(REPLY, CUTS[name]))
        assert streaming.frozen_line_count > 0, "finished blocks should have been frozen"
        assert streaming.live_block_count <= 3
        assert [line.text for line in shown] == [line.text for line in expected]
        assert as_comparable(shown) == as_comparable(expected)

        # When the reply is complete, every block is frozen, and it still looks the same.
        await streaming.set_text(REPLY, final=True)
        for _ in range(5):
            await pilot.pause()
        assert streaming.live_block_count == 0
        assert as_comparable(rendered_lines(app, streaming)) == as_comparable(expected)


async def test_text_that_changes_rather_than_grows_is_rendered_again() -> None:
    app = Harness()
    async with app.run_test(size=(72, 200)) as pilot:
        expected = await one_shot_lines(pilot, "Different.\n\n- a\n- b\n")
        holder = app.query_one("#holder")
        await holder.remove_children()
        streaming = StreamingMarkdown()
        await holder.mount(streaming)
        for text in (REPLY, "Different.\n\n- a\n- b\n"):
            await streaming.set_text(text)
            await pilot.pause()
        await pilot.pause()
        assert as_comparable(rendered_lines(app, streaming)) == as_comparable(expected)


class BelowTheFold(App[None]):
    """A streaming document below a tall spacer in a scrolled view: off screen while it streams."""

    CSS = """
    #scroll { height: 1fr; overflow-y: scroll; }  /* the width stays when the spacer goes */
    #spacer { height: 300; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="scroll"):
            yield Static("spacer", id="spacer")
            yield Vertical(id="holder")


async def test_blocks_streamed_out_of_view_are_frozen_whole() -> None:
    app = BelowTheFold()
    async with app.run_test(size=(72, 200)) as pilot:
        holder = app.query_one("#holder")
        streaming = StreamingMarkdown()
        await holder.mount(streaming)
        await pilot.pause()
        assert streaming.region.y >= app.screen.size.height, "the document must start below the screen"
        text = ""
        for line in REPLY.splitlines(keepends=True):
            text += line
            await streaming.set_text(text)
            await pilot.pause()
        await streaming.set_text(REPLY, final=True)
        for _ in range(5):
            await pilot.pause()
        assert streaming.live_block_count == 0 and streaming.frozen_line_count > 0
        captured = streaming.frozen_strips()

        # Brought into view, the lines captured off screen look as a one-shot render does.
        app.query_one("#spacer").display = False
        await pilot.pause()
        await pilot.pause()
        assert streaming.frozen_strips() == captured, "not rendered again on screen"
        shown = rendered_lines(app, streaming)
        await holder.remove_children()
        reference = StreamingMarkdown(id="one-shot")
        await holder.mount(reference)
        await reference.set_text(REPLY, final=True)
        await pilot.pause()
        assert as_comparable(shown) == as_comparable(rendered_lines(app, reference))
