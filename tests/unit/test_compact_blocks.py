"""The shared cache of frozen blocks holds at most its bound in lines, the newest kept."""

from __future__ import annotations

from rich.console import Console

from tui_app.ui.widgets.transcript.compact_blocks import CompactBlocks, strip_of
from tui_app.ui.widgets.transcript.markdown_lines import Look, render_block

LOOK = Look(40, "monokai")


def test_lines_past_the_bound_drop_the_least_recently_used_blocks() -> None:
    console = Console(width=40)
    blocks = CompactBlocks(max_lines=10)
    sources = [f"- item {n}\n- another {n}\n- third {n}\n" for n in range(8)]  # three lines each
    for source in sources:
        blocks.lines(console, source, LOOK)
        assert blocks.lines_kept <= 10
    assert len(blocks) == 3
    first_kept = sources[-3]
    blocks.lines(console, first_kept, LOOK)  # used again: the newest now
    blocks.lines(console, "- one more\n- and\n- again\n", LOOK)
    assert blocks.lines_kept <= 10
    assert [strip_of(line, LOOK.width) for line in blocks.lines(console, first_kept, LOOK)] == render_block(console, first_kept, LOOK)


def test_a_block_taller_than_the_bound_is_kept_alone() -> None:
    console = Console(width=40)
    blocks = CompactBlocks(max_lines=2)
    tall = "".join(f"- line {n}\n" for n in range(5))
    assert len(blocks.lines(console, tall, LOOK)) == 5
    assert len(blocks) == 1
