"""What renders Markdown: markdown-it's parser and Rich's `Markdown` with cut code blocks.

Kept apart so that importing the transcript's widgets loads neither markdown-it, Rich's Markdown
nor Pygments: the first screen draws no Markdown, and this module is imported when the first
block is parsed or rendered (issue 16: the first screen after launch).
"""

from __future__ import annotations

from typing import ClassVar

from markdown_it import MarkdownIt
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.markdown import CodeBlock, Markdown, MarkdownElement
from rich.style import Style
from rich.syntax import Syntax

PARSER = MarkdownIt().enable("strikethrough").enable("table")
"""The parser Rich's `Markdown` uses: blocks are split where Rich's own parse splits them."""


class CutCodeBlock(CodeBlock):
    """A code block whose lines too long for the width are cut with "…" at the right edge, so it
    is plain that they go on (wrapped code reads as other lines; Ctrl+Y copies the whole block)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(1, options.max_width - 2)  # the block's padding, one column each side
        code = "\n".join(_cut(line.expandtabs(4), room) for line in str(self.text).rstrip().split("\n"))
        yield Syntax(code, self.lexer_name, theme=self.theme, word_wrap=False, padding=1)


def _cut(line: str, room: int) -> str:
    return line if cell_len(line) <= room else set_cell_size(line, room - 1) + "…"


class TranscriptMarkdown(Markdown):
    """Rich's Markdown with code blocks that are cut, not wrapped, parsed by the one `PARSER`.

    Rich's own makes a parser for each instance, and markdown-it a link matcher for each parser
    (linkify-it's compiled rules): 0.4 ms and a few thousand objects for every block drawn, each
    frame's live block included. The attributes are those `Markdown.__init__` sets (a test holds
    them to it)."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "fence": CutCodeBlock,
        "code_block": CutCodeBlock,
    }

    def __init__(self, markup: str, code_theme: str = "monokai", hyperlinks: bool = True) -> None:
        # (Not Markdown.__init__: it would make the parser this class is here to share.)
        self.markup = markup
        self.parsed = PARSER.parse(markup)
        self.code_theme = code_theme
        self.justify: JustifyMethod | None = None
        self.style: str | Style = "none"
        self.hyperlinks = hyperlinks
        self.inline_code_lexer: str | None = None
        self.inline_code_theme = code_theme
