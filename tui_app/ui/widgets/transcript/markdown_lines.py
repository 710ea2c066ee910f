"""Markdown rendered to lines (`Strip`s) block by block, without a widget per block.

A document is split into its top-level blocks (markdown-it's token map, the same parser Rich
renders with); each block is rendered alone by Rich's `Markdown` at a width, and the blocks are
joined with one blank line. That *is* the rendering: a one-shot render of a text and a render
streamed block by block (earlier blocks frozen and cached) give the same lines, because both
are this function of the same blocks. Rendering a block costs about a millisecond; the widget
that shows the lines (streaming_markdown.py) renders a finished block once per width and theme.

Nothing here is read as Textual or Rich markup: the text is Markdown, rendered by Rich's
Markdown renderer, whose output is segments.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip


@dataclass(frozen=True)
class Look:
    """What the lines depend on besides the text: the width and the theme's code colours."""

    width: int
    code_theme: str


def block_starts(source: str) -> list[int]:
    """The first line (0-based) of each top-level block of `source`."""
    from tui_app.ui.widgets.transcript.rich_markdown import PARSER  # (not before the first screen)

    starts: list[int] = []
    for token in PARSER.parse(source):
        if token.level == 0 and token.nesting >= 0 and token.map:
            starts.append(token.map[0])
    return starts


def split_blocks(source: str) -> list[str]:
    """`source` cut into the sources of its top-level blocks, in order (blank lines between
    blocks are dropped; a block keeps every line it spans)."""
    lines = source.splitlines(keepends=True)
    starts = block_starts(source)
    blocks: list[str] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        blocks.append("".join(lines[start:end]).rstrip("\n") + "\n")
    return blocks


def render_block(console: Console, block: str, look: Look) -> list[Strip]:
    """One block's lines at `look.width`, without blank lines above or below it."""
    from tui_app.ui.widgets.transcript.rich_markdown import TranscriptMarkdown  # (not before the first screen)

    options = console.options.update(width=look.width, height=None, min_width=look.width, max_width=look.width)
    markdown = TranscriptMarkdown(block, code_theme=look.code_theme, hyperlinks=True)
    lines = console.render_lines(markdown, options, pad=True, new_lines=False)
    while lines and _is_blank(lines[-1]):
        lines.pop()
    while lines and _is_blank(lines[0]):
        lines.pop(0)
    return [Strip(line, look.width) for line in lines]


def _is_blank(line: list[Segment]) -> bool:
    return all(not segment.text.strip() and not (segment.style and segment.style.bgcolor) for segment in line)


def join_blocks(rendered: list[list[Strip]], width: int) -> list[Strip]:
    """Blocks' lines stacked with one blank line between two blocks."""
    lines: list[Strip] = []
    for block in rendered:
        if lines and block:
            lines.append(Strip.blank(width))
        lines.extend(block)
    return lines


def render_markdown(console: Console, source: str, look: Look) -> list[Strip]:
    """A whole text's lines at once (the reference a streamed render must end identical to)."""
    return join_blocks([render_block(console, block, look) for block in split_blocks(source)], look.width)


LIVE_KEPT = 3
"""Blocks a `BlockCache` keeps: the live tail's two and the one a frame's growth replaces (a
block that grew is never asked for again as it was; its lines, kept, held a few strips each and
every strip drawn from them, about 40 kB a block of ten lines)."""


class BlockCache:
    """Rendered blocks by (source, look), the least recently used dropped past `size`: the live
    tail's blocks that did not change since the last frame are not rendered again."""

    def __init__(self, size: int = LIVE_KEPT) -> None:
        self._size = size
        self._lines: OrderedDict[tuple[str, Look], list[Strip]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._lines)

    def get(self, block: str, look: Look) -> list[Strip] | None:
        """The block's lines if they are kept (None: not rendered, or dropped)."""
        return self._lines.get((block, look))

    def render(self, console: Console, block: str, look: Look) -> list[Strip]:
        key = (block, look)
        lines = self._lines.get(key)
        if lines is None:
            lines = self._lines[key] = render_block(console, block, look)
            if len(self._lines) > self._size:
                self._lines.popitem(last=False)
        else:
            self._lines.move_to_end(key)
        return lines


def with_base_style(lines: list[Strip], style: Style) -> list[Strip]:
    """Lines with the widget's colours and text style beneath their own (as Textual's `Log`
    applies its style): a muted, italic reasoning block stays so."""
    return [line.apply_style(style) for line in lines]
