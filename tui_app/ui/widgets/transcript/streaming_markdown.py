"""Markdown that streams at a cost per frame that does not grow with its length.

Finished blocks are rendered once by Textual's own `Markdown`, then captured as lines into
`FrozenLines` (one widget, no layout work per block) and never laid out again; only the live
tail, the last two blocks, stays a `Markdown` that grows per frame (PERFORMANCE.md:
MarkdownStream re-lays out every block per append, and a screen reflow visits every mounted
widget).

The tail only ever grows through `Markdown.append`, from empty: it re-parses from the start of
its last block and updates that block in place (and `append` after `update` mis-parses an open
fence, PERFORMANCE.md). Frozen blocks are removed from the tail, its source stays whole, so the
next `append` still parses from the right line.

The tail keeps the last *two* blocks, not one, because the gap above a block depends on its own
top margin and the last block can still change kind (a paragraph becomes a setext heading when
`---` arrives). The gap above the second-to-last block is final, so the cut is made there and
the rows captured are exactly what a one-shot render shows. A line being written into a list,
quote or heading is held until it ends (line_gate.py): `append` re-mounts those blocks whole.
Only public Textual API is used (widget_lines.py paints the captured rows), so Textual is not
pinned to one minor version.
"""

from __future__ import annotations

import asyncio
import weakref

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.geometry import Size, Spacing
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from tui_app.ui.widgets.transcript.line_gate import commit_length
from tui_app.ui.widgets.transcript.widget_lines import layout_is_current, render_subtree

_CSS_MARGIN: weakref.WeakKeyDictionary[MarkdownBlock, Spacing] = weakref.WeakKeyDictionary()
"""Each live block's margin from CSS, before `_mark_ends` overrides a side of it."""

_PARSER = MarkdownIt("gfm-like")
"""The parser `Markdown` uses by default, to check what `Markdown.append` would do."""

LIVE_BLOCKS = 2
"""Blocks kept live in the tail `Markdown`; everything above them is frozen."""
SETTLE_ATTEMPTS = 8
"""Refreshes to wait for a settled layout before a capture is given up (until the next text)."""
PARTIAL_LINE_SECONDS = 0.5
"""Longest a line being written is held back from a list, quote or heading (line_gate.py)."""


class FrozenLines(Widget):
    """Lines of finished Markdown, rendered once; repainting one costs a list lookup."""

    DEFAULT_CSS = """
    FrozenLines {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.strips: list[Strip] = []

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.strips)

    def extend(self, strips: list[Strip]) -> None:
        self.strips.extend(strips)
        self.display = bool(self.strips)
        self.refresh(layout=True)

    def clear(self) -> None:
        self.strips = []
        self.display = False
        self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self.strips):
            return self.strips[y]
        return Strip.blank(self.size.width)


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
        layout: vertical;
    }
    StreamingMarkdown > Markdown {
        margin: 0;
        padding: 0;
        background: transparent;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = ""
        """The whole text shown (frozen and live)."""
        self.final = False
        self._frozen_chars = 0
        """How much of `text` is frozen."""
        self._frozen = FrozenLines()
        self._tail = Markdown(classes="stream-tail")
        self._fed = 0
        """How much of `text` was appended to the tail (all of it once the tail is mounted, but
        for a line held back by `_commit_end`)."""
        self._holding = False
        """Whether a line being written is held back, and its release timer runs."""
        self._release = False
        """Set by that timer: the next feed takes the held line too."""
        self._lock = asyncio.Lock()
        self._generation = 0
        self._frozen_width = 0

    def compose(self) -> ComposeResult:
        yield self._frozen
        yield self._tail

    def on_mount(self) -> None:
        self._frozen.display = False
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    @property
    def frozen_line_count(self) -> int:
        return len(self._frozen.strips)

    @property
    def committed(self) -> str:
        """What of `text` is shown: all of it, but for a line held back while it is written."""
        return self.text[: self._fed]

    @property
    def live_block_count(self) -> int:
        return len(self._live_blocks())

    def _live_blocks(self) -> list[MarkdownBlock]:
        return [child for child in self._tail.children if isinstance(child, MarkdownBlock)]

    async def set_text(self, text: str, final: bool = False) -> None:
        """Show `text`. Text that grew only re-renders the live tail; any other change starts over.

        `final` says the text will not grow any more: then every block is frozen, none kept live.
        """
        if text == self.text and final == self.final:
            return
        async with self._lock:
            self._generation += 1
            if not text.startswith(self.text) or (self.final and text != self.text):
                await self._start_over()  # changed, or grew past a text frozen whole
            self.final = final
            self.text = text
            await self._feed_tail()

    async def _feed_tail(self) -> None:
        """Append what the tail has not seen yet, then freeze what is finished once laid out."""
        tail = self._tail
        if not (tail.is_mounted and tail.is_attached):
            return  # not mounted yet (caught up on mount), or removed (the session was switched)
        end = self._commit_end()
        if self._fed < end:
            with self.app.batch_update():
                if self._append_misparses(self.text[self._fed : end]):
                    await self._replace_tail()
                    await self._tail.append(self.text[self._frozen_chars : end])
                else:
                    await tail.append(self.text[self._fed : end])
                self._fed = end
                self._mark_ends()
        self.call_after_refresh(self._settle, self._generation)

    def _commit_end(self) -> int:
        """How far into `text` the tail may be fed now (line_gate.py): the line being written
        into a list, quote or heading waits for its end, or for the release timer, started
        when it is first held, so a long line still shows twice a second."""
        text, release = self.text, self._release
        self._release = False
        if self.final or release:
            return len(text)
        blocks = self._live_blocks()
        source = self._tail.source
        last_block = source[_offset_of_line(source, blocks[-1].source_range[0]) :] if blocks else source
        end = self._fed + commit_length(_PARSER, last_block, text[self._fed :])
        if end < len(text) and not self._holding:
            self._holding = True
            self.set_timer(PARTIAL_LINE_SECONDS, self._release_held)
        return end

    async def _release_held(self) -> None:
        self._holding = False
        if self._fed < len(self.text):
            self._release = True
            await self._catch_up()

    def _append_misparses(self, more: str) -> bool:
        """Whether `Markdown.append(more)` would differ from a parse of the whole live text.

        `append` re-parses from the start of the last block only; text that joins the last block
        to the one above (`3. third` after a blank line continues the list above as a loose
        list) needs the live blocks parsed together.
        """
        blocks = self._live_blocks()
        if len(blocks) < 2:
            return False
        first, last = blocks[0].source_range[0], blocks[-1].source_range[0]
        live = "".join((self._tail.source + more).splitlines(keepends=True)[first:])
        starts = {token.map[0] for token in _PARSER.parse(live) if token.level == 0 and token.map and token.nesting >= 0}
        return last - first not in starts

    async def _replace_tail(self) -> None:
        """An empty tail in place of the current one, which is removed with its blocks."""
        old, self._tail = self._tail, Markdown(classes="stream-tail")
        if old.is_mounted:
            with self.app.batch_update():
                await old.remove()
                await self.mount(self._tail)

    async def _start_over(self) -> None:
        """Forget the frozen lines and the tail; a new empty tail takes its place."""
        self._frozen_chars = 0
        self._frozen.clear()
        self.text = ""
        self._fed = 0
        await self._replace_tail()

    def _mark_ends(self) -> None:
        # Inline margins, not `:first-child`/`:last-child` rules: those are applied a cycle late,
        # and a capture in between would freeze a wrong gap. (A rule for one side would not do
        # either: Textual replaces the whole margin with it.)
        blocks = self._live_blocks()
        for index, block in enumerate(blocks):
            css_margin = _CSS_MARGIN.get(block)
            if css_margin is None:
                css_margin = _CSS_MARGIN[block] = block.styles.margin
            margin = css_margin
            if index == 0 and self._frozen_chars:
                margin = margin._replace(top=0)
            if index == len(blocks) - 1:
                margin = margin._replace(bottom=0)  # a document ends with its last block
            if block.styles.margin != margin:
                block.styles.margin = margin

    async def rebuild(self) -> None:
        """Render everything again (the width or the theme changed: captured lines are stale)."""
        async with self._lock:
            self._generation += 1
            text, final = self.text, self.final
            await self._start_over()
            self.text, self.final = text, final
            await self._feed_tail()

    def _on_theme_changed(self, _theme: object) -> None:
        if self._frozen_chars:
            self.run_worker(self.rebuild(), exclusive=True, group="rebuild")

    def on_resize(self) -> None:
        if self._frozen_chars and self.size.width != self._frozen_width:
            self.run_worker(self.rebuild(), exclusive=True, group="rebuild")
        elif self._fed < len(self.text):
            self.run_worker(self._catch_up(), exclusive=True, group="rebuild")

    async def _catch_up(self) -> None:
        async with self._lock:
            await self._feed_tail()

    async def _settle(self, generation: int, attempts: int = SETTLE_ATTEMPTS) -> None:
        """After the tail was laid out: freeze all but its last blocks, if it holds more."""
        if generation != self._generation or self._lock.locked():
            return
        async with self._lock:
            if generation != self._generation:
                return
            if await self._freeze() is None and attempts > 1:
                # Not laid out yet (a batch of updates was in flight): try after the next refresh.
                self.call_after_refresh(self._settle, generation, attempts - 1)

    async def _freeze(self) -> bool | None:
        """Move the tail's finished blocks into the frozen lines.

        True if some moved, False if there is nothing to freeze, None if the layout is not
        settled yet.
        """
        tail = self._tail
        blocks = self._live_blocks()
        live = 0 if self.final else LIVE_BLOCKS
        if len(blocks) <= live or not tail.display or tail.size.width <= 0:
            return False
        if self._frozen_chars and tail.size.width != self._frozen_width:
            return False  # resized: `rebuild` runs
        if not layout_is_current(tail) or not _stacked(tail, blocks):
            return None
        source = tail.source
        if live:
            first_live = blocks[-live]
            start_line = first_live.source_range[0]
            cut_row = first_live.region.y - tail.region.y
            cut = _offset_of_line(source, start_line)
            if start_line <= 0 or cut_row <= 0:
                return False
        else:
            cut_row = tail.region.height
            cut = len(source)
        strips = render_subtree(tail, cut_row)
        if len(strips) != cut_row:
            return None
        with self.app.batch_update():
            self._frozen_width = tail.size.width
            self._frozen.extend([strip.discard_meta() for strip in strips])
            # The tail's source is the whole text since its start (it is never cut): `append`
            # keeps parsing from its own last line.
            self._frozen_chars = self._fed - len(source) + cut
            await tail.remove_children(blocks[: len(blocks) - live])
            self._mark_ends()
        return True


def _stacked(tail: Markdown, blocks: list[MarkdownBlock]) -> bool:
    """Whether the blocks sit where a vertical layout of their current sizes puts them."""
    y = tail.content_region.y
    previous_margin = 0
    for block in blocks:
        margin = block.styles.margin
        region = block.region
        if region.y != y + max(previous_margin, margin.top):
            return False
        y = region.bottom
        previous_margin = margin.bottom
    return True
