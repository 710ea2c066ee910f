"""Where each frozen block's lines fall, from the blocks' heights alone.

A streamed document's frozen blocks are kept as source and height, not as rendered lines
(streaming_markdown.py): a screen line is found here, then its block rendered (or taken from the
cache of blocks drawn lately). The layout is that of `markdown_lines.join_blocks`: one blank line
between two blocks, none around a block that renders to nothing.
"""

from __future__ import annotations

from bisect import bisect_right


class FrozenLayout:
    """The first line of each block, given its height, as `join_blocks` stacks them."""

    def __init__(self) -> None:
        self.height = 0
        """Lines in all, blank lines between blocks included."""
        self._starts: list[int] = []
        self._heights: list[int] = []

    def add(self, height: int) -> None:
        """One more block below the others, `height` lines high."""
        if self.height and height:
            self.height += 1  # the blank line between it and the block above
        self._starts.append(self.height)
        self._heights.append(height)
        self.height += height

    def find(self, y: int) -> tuple[int, int | None]:
        """The block that line `y` belongs to and its line within it (None: the blank line
        below that block). `y` lies in [0, `height`)."""
        index = bisect_right(self._starts, y) - 1
        # Blocks of no lines share their start with the next block: take the last at that start.
        line = y - self._starts[index]
        return index, line if line < self._heights[index] else None
