"""Markdown that streams at a cost per frame that does not grow with its length.

Finished blocks are rendered once by Textual's own `Markdown`, then captured as lines into
`FrozenLines` (one widget, no layout work per block) and never laid out again; only the live
tail, the last two blocks, is a `Markdown` re-rendered per frame (PERFORMANCE.md: MarkdownStream
re-lays out every block per append, and a screen reflow visits every mounted widget).

The tail keeps the last *two* blocks, not one, because the gap above a block depends on its own
top margin and the last block can still change kind (a paragraph becomes a setext heading when
`---` arrives). The gap above the second-to-last block is final, so the cut is made there and
the rows captured are exactly what a one-shot render shows.
"""

from __future__ import annotations

import asyncio
import weakref

from textual.geometry import Size, Spacing
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

# Textual has no public way to render a widget's subtree off screen; its compositor does exactly
# that. Pinned with Textual (pyproject) and tested: tests/test_transcript_render.py compares
# every streamed render with a one-shot render.
from textual._compositor import Compositor

_CSS_MARGIN: weakref.WeakKeyDictionary[MarkdownBlock, Spacing] = weakref.WeakKeyDictionary()
"""Each live block's margin from CSS, before `_mark_ends` overrides a side of it."""

LIVE_BLOCKS = 2
"""Blocks kept live in the tail `Markdown`; everything above them is frozen."""


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
        self._frozen_source = ""
        self._frozen = FrozenLines()
        self._tail = Markdown(classes="stream-tail")
        self._lock = asyncio.Lock()
        self._generation = 0
        self._frozen_width = 0
        self._tail_sources: list[str] = []
        """The source of each block in the tail, to tell which ones changed."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._frozen
        yield self._tail

    def on_mount(self) -> None:
        self._frozen.display = False
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    @property
    def frozen_line_count(self) -> int:
        return len(self._frozen.strips)

    @property
    def live_block_count(self) -> int:
        return len(self._tail.children)

    async def set_text(self, text: str, final: bool = False) -> None:
        """Show `text`. Text that grew only re-renders the live tail; any other change starts over.

        `final` says the text will not grow any more: then every block is frozen, none kept live.
        """
        if text == self.text and final == self.final:
            return
        async with self._lock:
            self._generation += 1
            if not text.startswith(self._frozen_source) or (self.final and text != self.text):
                self._forget_frozen()  # changed, or grew past a text frozen whole
            self.final = final
            self.text = text
            await self._render_tail()

    async def _render_tail(self) -> None:
        """Show the text after the frozen lines in the tail, touching only blocks that changed.

        Like `Markdown.append`, but from a parse of the whole (small) tail: blocks whose source
        is unchanged stay mounted, the block that grew is updated in place where Textual can
        (paragraphs, fences, tables), and the rest is mounted anew. (Never `Markdown.append`
        after `update`: PERFORMANCE.md, it mis-parses an open fence.)
        """
        tail = self._tail
        if not (tail.is_mounted and tail.is_attached):
            return  # removed meanwhile (the session was switched away)
        text = self.text[len(self._frozen_source) :]
        new_blocks = tail._build_from_source(text)
        new_sources = [_block_source(text, block) for block in new_blocks]
        old_blocks = [child for child in tail.children if isinstance(child, MarkdownBlock)]
        tail._markdown = text
        keep = 0
        while (
            keep < min(len(old_blocks), len(new_blocks), len(self._tail_sources))
            and type(old_blocks[keep]) is type(new_blocks[keep])
            and self._tail_sources[keep] == new_sources[keep]
        ):
            old_blocks[keep].source_range = new_blocks[keep].source_range
            keep += 1
        with self.app.batch_update():
            if keep == len(old_blocks) - 1 and keep == len(new_blocks) - 1 and type(old_blocks[keep]) is type(new_blocks[keep]):
                # The last block grew: in place for paragraphs, fences and tables.
                old_blocks[keep].source_range = new_blocks[keep].source_range
                await old_blocks[keep]._update_from_block(new_blocks[keep])
            else:
                if keep < len(old_blocks):
                    await tail.remove_children(old_blocks[keep:])
                if keep < len(new_blocks):
                    await tail.mount_all(new_blocks[keep:])
            self._tail_sources = new_sources
            self._mark_ends()
        generation = self._generation
        self.call_after_refresh(self._settle, generation)

    def _mark_ends(self) -> None:
        # Inline margins, not `:first-child`/`:last-child` rules: those are applied a cycle late,
        # and a capture in between would freeze a wrong gap. (A rule for one side would not do
        # either: Textual replaces the whole margin with it.)
        blocks = [child for child in self._tail.children if isinstance(child, MarkdownBlock)]
        for index, block in enumerate(blocks):
            css_margin = _CSS_MARGIN.get(block)
            if css_margin is None:
                css_margin = _CSS_MARGIN[block] = block.styles.margin
            margin = css_margin
            if index == 0 and self._frozen_source:
                margin = margin._replace(top=0)
            if index == len(blocks) - 1:
                margin = margin._replace(bottom=0)  # a document ends with its last block
            if block.styles.margin != margin:
                block.styles.margin = margin

    def _forget_frozen(self) -> None:
        self._frozen_source = ""
        self._frozen.clear()
        self._tail_sources = []

    async def rebuild(self) -> None:
        """Render everything again (the width or the theme changed: captured lines are stale)."""
        async with self._lock:
            self._generation += 1
            self._forget_frozen()
            await self._render_tail()

    def _on_theme_changed(self, _theme: object) -> None:
        if self._frozen_source:
            self.run_worker(self.rebuild(), exclusive=True, group="rebuild")

    def on_resize(self) -> None:
        if self._frozen_source and self.size.width != self._frozen_width:
            self.run_worker(self.rebuild(), exclusive=True, group="rebuild")

    async def _settle(self, generation: int, attempts: int = 3) -> None:
        """After the tail was laid out: freeze all but its last blocks, if it holds more."""
        if generation != self._generation or self._lock.locked():
            return
        async with self._lock:
            if generation != self._generation:
                return
            if await self._freeze() is None and attempts > 1:
                # Laid out but not yet settled (a batch of updates was in flight): try later.
                self.call_after_refresh(self._settle, generation, attempts - 1)

    async def _freeze(self) -> bool | None:
        """Move the tail's finished blocks into the frozen lines.

        True if some moved, False if there is nothing to freeze, None if the layout is not
        settled yet.
        """
        tail = self._tail
        blocks = [child for child in tail.children if isinstance(child, MarkdownBlock)]
        live = 0 if self.final else LIVE_BLOCKS
        if len(blocks) <= live or not blocks or not tail.display or tail.size.width <= 0:
            return False
        if self._frozen_source and tail.size.width != self._frozen_width:
            return False  # resized: `rebuild` runs
        if tail.source != self.text[len(self._frozen_source) :]:
            return False
        size = tail.outer_size
        compositor = Compositor()
        compositor.reflow(tail, size)
        if live:
            first_live = blocks[-live]
            start_line = first_live.source_range[0]
            geometry = compositor.full_map.get(first_live)
            if start_line <= 0:
                return False
            if geometry is None or geometry.region.y <= 0:
                return None
            cut_row = geometry.region.y
        else:
            start_line = len(tail.source.split("\n")) + 1
            cut_row = size.height
            if cut_row <= 0:
                return None
        # Capture only a settled layout: every block where the screen last put it.
        origin = tail.region
        for block in blocks:
            placed = compositor.full_map.get(block)
            if placed is None or placed.region.size != block.region.size:
                return None
            if placed.region.y != block.region.y - origin.y:
                return None
        strips = compositor.render_strips(Size(size.width, cut_row))
        if len(strips) != cut_row:
            return None
        cut = _offset_of_line(tail.source, start_line)
        frozen = blocks[: len(blocks) - live]
        with self.app.batch_update():
            self._frozen_width = tail.size.width
            self._frozen.extend([strip.discard_meta() for strip in strips])
            self._frozen_source += tail.source[:cut]
            self._tail_sources = self._tail_sources[len(frozen) :]
            tail._markdown = tail.source[cut:]
            for block in blocks[len(blocks) - live :]:
                begin, end = block.source_range
                block.source_range = (begin - start_line, end - start_line)
            await tail.remove_children(frozen)
            self._mark_ends()
        return True


def _block_source(text: str, block: MarkdownBlock) -> str:
    begin, end = block.source_range
    return text[_offset_of_line(text, begin) : _offset_of_line(text, end)]
