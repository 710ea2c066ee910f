"""Markdown that streams at a cost per frame that follows what changed, not its length.

One widget, no children: its lines are drawn through `render_line` from lists of `Strip`s
(markdown_lines.py), as Textual's `Log` draws its own. The text is cut into top-level blocks;
finished blocks are *frozen*: rendered once per width and theme and kept as lines. Only the
live tail, the last `LIVE_BLOCKS` blocks, is rendered again when the text grows, and of those
only a block whose source changed (`BlockCache`). A frame thus costs the tail's block, not the
document; no block widget is mounted, laid out or styled, ever (PERFORMANCE.md: that layout and
re-mounting was most of the streaming CPU).

The tail keeps the last *two* blocks, not one, because the last block can still change what
the one above it is (a paragraph becomes a setext heading when `---` arrives, an item after a
blank line joins the list above as a loose list): what is frozen is only what no further text
can change. A line being written into a list, quote or heading is held until it ends
(line_gate.py), so such a block is rendered about once per line rather than once per frame.

Frozen blocks keep their source and their height only (frozen_layout.py); their lines are
rendered again when drawn, from a cache that holds what was drawn lately. Kept as lines, a long
reply's hundreds of thousands of objects made every full garbage collection, and so every late
frame, cost more than an early one (issue 16: the cost per token must stay flat). That cache is
one for all messages, bounded in lines and kept as segments (compact_blocks.py): a frozen line
becomes a `Strip` only while it is drawn, so a mounted message costs its text, not its strips
(about half a megabyte each before, which a long session's window of messages multiplied).
"""

from __future__ import annotations

import time

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from tui_app.ui.widgets.transcript.changed_lines import changed_runs
from tui_app.ui.widgets.transcript.compact_blocks import FROZEN_BLOCKS, strip_of, styled_strip
from tui_app.ui.widgets.transcript.frozen_layout import FrozenLayout
from tui_app.ui.widgets.transcript.line_gate import commit_length
from tui_app.ui.widgets.transcript.markdown_lines import (
    BlockCache,
    Look,
    block_starts,
    join_blocks,
    render_block,
    split_blocks,
)

LIVE_BLOCKS = 2
"""Blocks kept live (rendered again as they grow); everything above them is frozen."""
PARTIAL_LINE_SECONDS = 0.5
"""Longest a line being written is held back from a list, quote or heading (line_gate.py)."""
GROW_SECONDS = 0.2
"""Shortest time between two layouts for lines added while the text streams. A frame that adds
a line costs a layout and a repaint of everything that moved (the transcript scrolls by that
line); one that extends a line costs that line. Lines added sooner are laid out together: a fast
stream grows by a few lines five times a second, while the lines already shown change each frame.
The last frame (`final`) is laid out at once."""


def _offset_of_line(text: str, line: int) -> int:
    """Character offset where `line` (0-based, split on "\\n" as markdown-it does) starts."""
    offset = 0
    for _ in range(line):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


class StreamingMarkdown(Widget):
    """A Markdown document that grows: `await set_text(text)` once per frame with the full text."""

    DEFAULT_CSS = """
    StreamingMarkdown {
        width: 1fr;
        height: auto;
    }
    """

    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    """Set by Textual from the size a layout gave (this widget does not scroll): asking for
    another layout of the screen then, as `Widget`'s does, only doubled each growth's cost."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = ""
        """The whole text given (frozen, live, and a line held back)."""
        self.final = False
        self._fed = 0
        """How much of `text` is shown: all of it but a line held back by `_commit_end`."""
        self._frozen_chars = 0
        """How much of `text` is frozen: it ends where the first live block starts."""
        self._frozen_blocks: list[str] = []
        self._frozen = FrozenLayout()
        self._frozen_look: Look | None = None
        """The look `_frozen` was measured for (None: not measured yet)."""
        self._live_blocks: list[str] = []
        self._live_lines: list[Strip] = []
        self._live_look: Look | None = None
        self._cache = BlockCache()
        """The live tail's blocks as strips (compared frame to frame); emptied once the text is final."""
        self._holding = False
        """Whether a line being written is held back, and its release timer runs."""
        self._drawn: tuple[int, list[Strip]] | None = None
        """The tail last drawn: its first line and its lines (None: redraw the whole widget)."""
        self._style: Style | None = None
        """`rich_style` for the lines drawn in this frame (it walks the ancestors: once a frame)."""
        self._measured_width: int | None = None
        """The width the lines were last made for in this frame (the look asks for the theme)."""
        self._grown_at = 0.0
        """When lines added were last laid out (`time.monotonic`)."""
        self._grow_timer: Timer | None = None
        """The layout of lines added since, when one is due (`GROW_SECONDS`)."""

    # -- what callers read ------------------------------------------------------------

    @property
    def frozen_line_count(self) -> int:
        return self._frozen.height

    @property
    def live_block_count(self) -> int:
        return len(self._live_blocks)

    @property
    def growing(self) -> bool:
        """Whether lines added are waiting for their layout (`GROW_SECONDS`)."""
        return self._grow_timer is not None

    @property
    def committed(self) -> str:
        """What of `text` is shown: all of it, but for a line held back while it is written."""
        return self.text[: self._fed]

    def frozen_strips(self) -> list[Strip]:
        """The frozen lines as rendered for the current width (tests compare them)."""
        look = self._frozen_look
        if look is None:
            return []
        blocks = [self._frozen_block(index, look) for index in range(len(self._frozen_blocks))]
        return join_blocks([[strip_of(line, look.width) for line in block] for block in blocks], look.width)

    # -- what callers do --------------------------------------------------------------

    async def set_text(self, text: str, final: bool = False) -> None:
        """Show `text`. Text that grew only re-renders the live tail; any other change starts over.

        `final` says the text will not grow any more: then every block is frozen, none kept live.
        """
        if text == self.text and final == self.final:
            return
        if not text.startswith(self.text) or (self.final and text != self.text):
            self._start_over()  # changed, or grew past a text frozen whole
        self.final = final
        self.text = text
        self._commit(release=False)

    def _start_over(self) -> None:
        self.text = ""
        self._fed = self._frozen_chars = 0
        self._frozen_blocks = []
        self._frozen = FrozenLayout()
        self._frozen_look = None
        self._live_blocks = []
        self._live_lines = []
        self._live_look = None
        self._drawn = None

    def _commit(self, release: bool) -> None:
        """Take what may be shown now, freeze the blocks no text can change, and redraw."""
        end = len(self.text) if self.final or release else self._commit_end()
        if end == self._fed and self.text and not (self.final and self._live_blocks):
            return  # nothing more to show
        self._fed = end
        live_source = self.text[self._frozen_chars : end]
        starts = block_starts(live_source)
        keep = 0 if self.final else LIVE_BLOCKS
        if len(starts) > keep:
            cut = _offset_of_line(live_source, starts[-keep]) if keep else len(live_source)
            self._freeze(split_blocks(live_source[:cut]))
            self._frozen_chars += cut
            live_source = live_source[cut:]
        self._live_blocks = split_blocks(live_source) if live_source.strip() else []
        self._redraw()
        if self.final:
            self._cache = BlockCache()  # nothing is live any more: its strips (and theirs) go

    def _commit_end(self) -> int:
        """How far into `text` may be shown now (line_gate.py): the line being written into a
        list, quote or heading waits for its end, or for the release timer, started when it is
        first held, so a long line still shows twice a second."""
        text = self.text
        shown = text[self._frozen_chars : self._fed]
        starts = block_starts(shown)
        last_block = shown[_offset_of_line(shown, starts[-1]) :] if starts else shown
        from tui_app.ui.widgets.transcript.rich_markdown import PARSER  # (loaded by block_starts)

        end = self._fed + commit_length(PARSER, last_block, text[self._fed :])
        if end < len(text) and not self._holding:
            self._holding = True
            self.set_timer(PARTIAL_LINE_SECONDS, self._release_held)
        return end

    def _release_held(self) -> None:
        self._holding = False
        if self._fed < len(self.text):
            self._commit(release=True)

    def _freeze(self, blocks: list[str]) -> None:
        self._frozen_blocks.extend(blocks)
        look = self._frozen_look
        if look is None:
            return  # rendered whole at the next draw
        for block in blocks:  # a freeze costs its own blocks only, rendered already if they were live
            live = self._cache.get(block, look)
            if live is not None:
                lines = FROZEN_BLOCKS.keep((block, look), tuple(tuple(strip) for strip in live))
            else:
                lines = FROZEN_BLOCKS.lines(self.app.console, block, look)
            self._frozen.add(len(lines))

    # -- drawing ----------------------------------------------------------------------

    def _look(self, width: int) -> Look:
        dark = self.app.current_theme.dark if self.is_attached else True
        return Look(width, "monokai" if dark else "default")

    def _lines_for(self, width: int) -> int:
        """Render what is not rendered for `width` yet; the number of lines."""
        if width <= 0:
            return 0
        look = self._look(width)
        console = self.app.console
        if self._frozen_look != look:
            self._frozen_look = look
            self._frozen = FrozenLayout()
            for block in self._frozen_blocks:
                self._frozen.add(len(render_block(console, block, look)))
        if self._live_look != look:
            self._live_look = look
            self._live_lines = join_blocks([self._cache.render(console, block, look) for block in self._live_blocks], width)
        live = len(self._live_lines)
        frozen = self._frozen.height
        return frozen + (live + 1 if live and frozen else live)

    def _frozen_block(self, index: int, look: Look) -> tuple[tuple[Segment, ...], ...]:
        return FROZEN_BLOCKS.lines(self.app.console, self._frozen_blocks[index], look)

    def _tail(self, width: int) -> tuple[int, list[Strip]]:
        """The lines below the frozen ones (the blank line above the live blocks included) and
        where they start: all that a frame can change."""
        frozen, live = self._frozen.height, self._live_lines
        if frozen and live:
            return frozen, [Strip.blank(width), *live]
        return frozen, list(live)

    def _line(self, y: int, tail: tuple[int, list[Strip]]) -> Strip | None:
        """Line `y` unstyled (None: past the end)."""
        start, lines = tail
        if y >= start:
            return lines[y - start] if y - start < len(lines) else None
        look = self._frozen_look
        index, line = self._frozen.find(y)
        if look is None or line is None:
            return None if look is None else Strip.blank(look.width)
        return strip_of(self._frozen_block(index, look)[line], look.width)

    def _redraw(self) -> None:
        """Repaint the lines that changed; lay out only when the height changed. A frame that
        adds a few characters to a line thus repaints that line, not the whole text (Textual
        repaints a widget's lines from its own cache unless told they changed)."""
        if not self.is_attached:
            return
        width = self.content_size.width
        before = self.content_size.height
        self._live_look = None
        self._style = self._measured_width = None
        if width <= 0:
            self._drawn = None
            self.refresh(layout=True)
            return
        height = self._lines_for(width)
        drawn, self._drawn = self._drawn, self._tail(width)
        if drawn is None or self._frozen_look is None or before <= 0:
            if height != before:
                self._grow()
            self.refresh(layout=height != before)
            return
        start = min(drawn[0], self._drawn[0])
        end = max(drawn[0] + len(drawn[1]), height)
        old = [self._line(y, drawn) for y in range(start, end)]
        new = [self._line(y, self._drawn) for y in range(start, end)]
        regions = [Region(0, start + first, width, count) for first, count in changed_runs(old, new)]
        if height == before:
            if regions:
                self.refresh(*regions)
            return
        wait = self._grown_at + GROW_SECONDS - time.monotonic()
        if height < before or self.final or wait <= 0:
            self._grow()
            self.refresh(*regions, layout=True)
            return
        shown = [region for region in regions if region.y < before]  # the lines below wait
        if shown:
            self.refresh(*shown)
        if self._grow_timer is None:
            self._grow_timer = self.set_timer(wait, self._grow_later)

    def _grow(self) -> None:
        self._grown_at = time.monotonic()
        if self._grow_timer is not None:
            self._grow_timer.stop()
            self._grow_timer = None

    def _grow_later(self) -> None:
        self._grow_timer = None
        if self.is_attached and self._lines_for(self.content_size.width) != self.content_size.height:
            self._grow()
            self.refresh(layout=True)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Widget:
        if repaint and not regions:
            self._style = self._measured_width = None  # a whole repaint may follow a change of colours
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = self._measured_width = None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._lines_for(width)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        frozen = self._frozen.height
        if width != self._measured_width:
            self._lines_for(width)
            self._measured_width = width
        style = self._style
        if style is None:
            style = self._style = self.rich_style
        look = self._frozen_look
        if y < frozen and look is not None:
            index, line = self._frozen.find(y)
            if line is not None:
                return styled_strip(self._frozen_block(index, look)[line], look.width, style)
            return Strip.blank(width, style)  # the blank line between two blocks
        y -= frozen
        if frozen and self._live_lines:
            y -= 1  # the blank line between the frozen blocks and the live ones
        if 0 <= y < len(self._live_lines):
            return self._live_lines[y].apply_style(style)
        return Strip.blank(width, style)
