"""Finding the code line a cut screen line shows, from the Markdown source (wide_code.py)."""

from __future__ import annotations

from rich.console import Console

from tui_app.ui.widgets.transcript.markdown_lines import Look, render_markdown
from tui_app.ui.widgets.transcript.wide_code import WideLine, wide_line_at

LONG = "value = compute(" + ", ".join(f"arg_{n}" for n in range(30)) + ")"
SOURCE = f"Intro paragraph that is long enough to wrap at forty columns, and ends…\n\n```python\nshort = 1\n{LONG}\n\tindented_with_a_tab = compute(1, 2, 3, 4, 5, 6, 7, 8, 9)\n```\n"


def shown_lines(width: int) -> list[str]:
    console = Console(width=width, color_system=None)
    return [line.text for line in render_markdown(console, SOURCE, Look(width, "monokai"))]


def test_each_cut_line_is_found_with_its_block_and_index() -> None:
    lines = shown_lines(40)
    cut = [line for line in lines if line.rstrip().endswith("…")]
    found = [wide_line_at(SOURCE, line) for line in cut]
    code = SOURCE.split("```python\n")[1].split("```")[0]
    assert WideLine(code, 1) in found  # the long line
    assert WideLine(code, 2) in found  # the tab, expanded as shown
    assert None in found  # the paragraph that happens to end with "…" is no code


def test_a_line_that_fits_is_not_opened() -> None:
    lines = shown_lines(40)
    (short,) = [line for line in lines if "short = 1" in line]
    assert wide_line_at(SOURCE, short) is None
