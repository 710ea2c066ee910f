"""A code block's lines too wide for the transcript, shown whole on demand.

Code is cut at the width with "…" (rich_markdown.py `CutCodeBlock`); a click on a cut line
opens its whole block in a view that scrolls sideways (screens/code_dialog.py), on that line.
Chosen over a sideways scroll inside the transcript: the transcript's lines are cached per width
and drawn by one widget (streaming_markdown.py), so a scroll per block would need lines wider
than the widget and a scroll position per block kept through every freeze and page, at a cost
on every streamed frame; this costs nothing until the click.

The cut line is found from the text shown (after the block's one column of padding), matched
against the code lines of the widget's own Markdown source: no position is mapped back.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len


CUT_MARK = "…"
TAB_SIZE = 4
"""As `CutCodeBlock` expands tabs: the shown text is compared with the code so expanded."""


@dataclass(frozen=True)
class WideLine:
    """A code block with a line cut on screen: the block's code and that line's index in it."""

    code: str
    line: int


def code_sources(markdown: str) -> list[str]:
    """The fenced and indented code blocks of `markdown`, in order."""
    from tui_app.ui.widgets.transcript.rich_markdown import PARSER  # (not before the first screen)

    return [token.content for token in PARSER.parse(markdown) if token.type in ("fence", "code_block")]


def wide_line_at(markdown: str, shown: str) -> WideLine | None:
    """The code line that `shown` (one screen line of `markdown`'s rendering) is the cut start
    of, or None when that line is not a cut code line."""
    shown = shown.rstrip()
    if not shown.endswith(CUT_MARK) or not shown.startswith(" "):
        return None
    start = shown[1:-1]  # after the block's padding, before the mark
    if not start.strip():
        return None
    for code in code_sources(markdown):
        for index, line in enumerate(code.rstrip("\n").split("\n")):
            expanded = line.expandtabs(TAB_SIZE)
            if cell_len(expanded) > cell_len(start) and expanded.startswith(start):
                return WideLine(code, index)
    return None
