"""FrozenLayout places each line where `join_blocks` stacks it, blocks of no lines included."""

from __future__ import annotations

import random

from textual.strip import Strip

from tui_app.ui.widgets.transcript.frozen_layout import FrozenLayout
from tui_app.ui.widgets.transcript.markdown_lines import join_blocks


def test_every_line_is_found_in_the_block_join_blocks_put_it_in() -> None:
    rng = random.Random(16)
    for _ in range(200):
        heights = [rng.choice([0, 0, 1, 2, 5]) for _ in range(rng.randint(0, 8))]
        blocks = [[Strip.blank(4 + index) for _ in range(height)] for index, height in enumerate(heights)]
        joined = join_blocks(blocks, 3)
        layout = FrozenLayout()
        for height in heights:
            layout.add(height)
        assert layout.height == len(joined)
        for y, strip in enumerate(joined):
            index, line = layout.find(y)
            if strip.cell_length == 3:  # the blank line between two blocks
                assert line is None
            else:
                assert line is not None and blocks[index][line] is strip
