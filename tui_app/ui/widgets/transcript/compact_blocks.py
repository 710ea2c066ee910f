"""Finished blocks' lines kept compactly, in one cache for every message on the app's screens.

A Textual `Strip` builds seven small caches when it is made, and keeps every strip derived from
it (styled, with offsets, cropped) in them: a line kept as a `Strip` and drawn cost about five
kilobytes, its segments alone a tenth of that. So frozen blocks are kept here as segments, and a
`Strip` is made for a line only when it is drawn, and let go after (Textual keeps what it draws
until the widget is repainted whole). Messages share the cache, so its bound (`FROZEN_LINES`) is
the memory all of them hold, however many messages are mounted: a block that fell out of it is
rendered again (about a millisecond) when it is drawn.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_app.ui.widgets.transcript import markdown_lines
from tui_app.ui.widgets.transcript.markdown_lines import Look

Line = tuple[Segment, ...]
"""One rendered line, as segments (no `Strip` and none of its caches)."""

FROZEN_LINES = 600
"""Lines kept in all (about 0.3 MB): several screens of a tall terminal, since only what is on
screen and the screen above it is mounted while following (message_window.py)."""


class CompactBlocks:
    """Rendered blocks by (source, look) as lines of segments; the least recently used are dropped
    once the lines kept pass `max_lines` (the block just rendered is always kept)."""

    def __init__(self, max_lines: int = FROZEN_LINES) -> None:
        self.max_lines = max_lines
        self.lines_kept = 0
        self._blocks: OrderedDict[tuple[str, Look], tuple[Line, ...]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._blocks)

    def lines(self, console: Console, block: str, look: Look) -> tuple[Line, ...]:
        key = (block, look)
        lines = self._blocks.get(key)
        if lines is not None:
            self._blocks.move_to_end(key)
            return lines
        rendered = markdown_lines.render_block(console, block, look)  # looked up here: tests count renders
        return self.keep(key, tuple(tuple(strip) for strip in rendered))

    def keep(self, key: tuple[str, Look], lines: tuple[Line, ...]) -> tuple[Line, ...]:
        """Keep `lines` for `key` (a block rendered elsewhere, such as the live tail's)."""
        old = self._blocks.pop(key, None)
        if old is not None:
            self.lines_kept -= len(old)
        self._blocks[key] = lines
        self.lines_kept += len(lines)
        while self.lines_kept > self.max_lines and len(self._blocks) > 1:
            _, dropped = self._blocks.popitem(last=False)
            self.lines_kept -= len(dropped)
        return lines

    def clear(self) -> None:
        self._blocks.clear()
        self.lines_kept = 0


FROZEN_BLOCKS = CompactBlocks()
"""The one cache of frozen blocks, shared by every `StreamingMarkdown`."""


def strip_of(line: Line, width: int) -> Strip:
    """A line as a new `Strip` (its caches filled by whoever draws it, and let go with it)."""
    return Strip(line, width)


def styled_strip(line: Line, width: int, style: Style) -> Strip:
    """A line with `style` beneath its own, as `Strip.apply_style` makes it, without caching the
    result on a kept strip."""
    return Strip(Segment.apply_style(line, style), width)
