"""The window of messages a transcript view has mounted, and paging it as the user scrolls.

Only what fills the screen is mounted when a session is shown; earlier pages are mounted
when the user scrolls near the top, keeping what is on screen in place (a session of 5,000
messages never mounts 5,000 widgets to paint its first screen). At most `MAX_MOUNTED` stay
mounted: paging in at one end unmounts the far end, and scrolling back pages it in again.

A page is mounted `SLICE` messages at a time, each slice in its own screen update, with the
event loop free between them: mounting, styling and rendering a message's widgets costs
milliseconds, so a whole page at once stalled keys and frames for a tenth of a second or more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from textual.containers import ScrollableContainer
from textual.widget import Widget

from tui_app.core.transcript import Message, Transcript
from tui_app.ui.widgets.transcript.message_view import MessageView

PAGE = 15
"""Messages mounted on first paint, and per page loaded when scrolling up."""
LOAD_EARLIER_ROWS = 4
"""Scrolling within this many rows of the top (bottom) loads the previous (next) page."""
MAX_MOUNTED = 4 * PAGE
"""Messages mounted at most: paging in one end unmounts the far end."""
SLICE = 3
"""Messages mounted per step of a page: one step must not hold the event loop for long."""
FOLLOW_KEPT = PAGE
"""Messages kept mounted at most while the reader follows new output (past `FOLLOW_KEPT + PAGE`
the top is unmounted down to it): without a bound every turn of a long session added to the
app's memory. Most of the time fewer are: see `FOLLOW_SCREENS_ABOVE`."""
FOLLOW_SCREENS_ABOVE = 1
"""While the reader follows, messages more than this many screens above the one shown are
unmounted (`FOLLOW_TRIM` of them at a time, the newest message never), and paged in again on
the way up, as any page above: each mounted message costs Textual's widgets, their layout and
styles, however little it draws (a long session kept 15 to 30 of them, 6 MB of the app's RSS)."""
FOLLOW_TRIM = 2
"""Messages above that are unmounted together (a turn adds two: a question and its reply)."""

Decorate = Callable[[Transcript, Message, MessageView], None]
"""Sets a view's header and note for its message (the view owns the costs and times)."""


def first_page_start(messages: Sequence[Message], width: int, height: int) -> int:
    """Where the first paint starts: enough messages to fill the screen, at most PAGE.

    Every mounted widget costs (CSS, layout) on the first paint, so a session shows what
    fits first and mounts earlier pages as the user scrolls up to them.
    """
    width = max(20, width - 4)
    wanted = max(height, 24)
    rows = 0
    start = len(messages)
    while start > 0 and len(messages) - start < PAGE and rows < wanted:
        start -= 1
        text = messages[start].display_text
        rows += 3 + sum(1 + len(line) // width for line in text.split("\n"))
    return start


class MessageWindow:
    """Consecutive messages of the shown transcript, mounted in `host` before its `marker`."""

    def __init__(
        self,
        host: ScrollableContainer,
        marker: Callable[[], Widget],
        decorate: Decorate,
        following: Callable[[], bool],
        on_removed: Callable[[list[MessageView]], None],
    ) -> None:
        self._host = host
        self._marker = marker
        self._decorate = decorate
        self._following = following
        self._on_removed = on_removed
        self.shown: Transcript | None = None
        """The transcript the window is taken from (None before a session's first paint)."""
        self.views: dict[str, MessageView] = {}
        self.order: list[str] = []
        """Ids of the mounted messages, top to bottom."""
        self.first = 0
        """Index in the transcript of the first mounted message."""
        self.count = 0
        """Messages mounted, from `first` on."""
        self.at_end = True
        """Whether the window reaches the newest message (new ones are mounted as they come)."""
        self.generation = 0
        """Bumped by `clear`: a page load of the previous session in flight stops at its next step."""
        self.loading = False
        """Whether a page is being mounted (scrolling does not start another)."""

    @property
    def end(self) -> int:
        return self.first + self.count

    def clear(self) -> None:
        """Forget the window; the caller removes the views."""
        self.generation += 1
        self.shown = None
        self.views.clear()
        self.order.clear()
        self.first = self.count = 0
        self.at_end = True
        self.loading = False

    def holds_start_of(self, messages: Sequence[Message]) -> bool:
        """Whether `messages` is the shown transcript, grown (else it must be shown afresh)."""
        end = self.end
        if len(messages) < end:
            return False
        return not self.order or (messages[self.first].id, messages[end - 1].id) == (self.order[0], self.order[-1])

    async def mount_new(self, messages: Sequence[Message]) -> None:
        """Mount messages that arrived at the end; they are shown by the frame that follows."""
        views = [MessageView(m) for m in messages]
        self.views.update((view.message_id, view) for view in views)
        self.order.extend(view.message_id for view in views)
        self.count += len(views)
        await self._host.mount_all(views, before=self._marker())
        if not self._following():
            return
        # Above the screen, with the anchor holding the bottom: nothing the reader sees moves.
        far = self._far_above()
        if self.count > FOLLOW_KEPT + PAGE:
            await self._unmount(self.order[: max(far, self.count - FOLLOW_KEPT)], top=True)
        elif far >= FOLLOW_TRIM:
            await self._unmount(self.order[:far], top=True)
        self._forget_drawn_above()

    def _far_above(self) -> int:
        """How many of the top messages lie wholly more than `FOLLOW_SCREENS_ABOVE` screens above
        the one shown (never the newest)."""
        host = self._host
        limit = host.scroll_offset.y - FOLLOW_SCREENS_ABOVE * host.size.height
        far = 0
        for message_id in self.order[:-1]:
            if self.views[message_id].virtual_region.bottom > limit:
                break
            far += 1
        return far

    def _forget_drawn_above(self) -> None:
        """Let Textual drop the lines it drew for the messages now above the screen.

        Textual keeps every line a widget has drawn until the widget is repainted whole: a reply
        followed as it streams has had all its lines on screen, so each message of the window
        kept thousands of objects, which it would not draw again unless scrolled back to. A whole
        repaint of a widget off screen draws nothing until it is seen."""
        top = self._host.scroll_offset.y
        for message_id in self.order:
            view = self.views[message_id]
            if view.virtual_region.bottom > top:
                break  # this one and those below are (partly) on screen
            for widget in view.walk_children(with_self=True):
                widget.refresh()

    def on_scroll(self, y: float, max_y: float) -> None:
        """Page in the previous or next page when the user scrolls near either end."""
        if self.loading or not self.shown:
            return
        if y <= LOAD_EARLIER_ROWS and self.first > 0:
            self._start(self._load_earlier())
        elif y >= max_y - LOAD_EARLIER_ROWS and not self.at_end:
            self._start(self._load_later())

    def prefetch_earlier(self, generation: int) -> None:
        """Mount the page above once the first screen is painted, so scrolling up finds it."""
        if generation == self.generation and not self.loading and self.first > 0:
            self._start(self._load_earlier())

    def _start(self, load: Coroutine[Any, Any, None]) -> None:
        self.loading = True
        self._host.run_worker(load, group="load-earlier", exclusive=True)

    async def _load_earlier(self) -> None:
        """Mount the previous page above the first message, a slice at a time, keeping the
        view where it is after each slice."""
        host = self._host
        transcript = self.shown
        generation = self.generation
        if transcript is None or self.first == 0:
            self.loading = False
            return
        start = max(0, self.first - PAGE)
        while self.first > start:
            first_view = self.views[self.order[0]]
            first_y_before = first_view.virtual_region.y
            messages = transcript.messages[max(start, self.first - SLICE) : self.first]
            views = await self._mount_page(transcript, messages, before=first_view)
            if generation != self.generation:
                return
            self.views.update((view.message_id, view) for view in views)
            self.order[:0] = [view.message_id for view in views]
            self.first -= len(views)
            self.count += len(views)
            await self._next_refresh()  # the slice is laid out (and the loop was free meanwhile)
            if generation != self.generation:
                return
            if not self._following() and first_view.is_attached:  # (following: the anchor keeps the bottom)
                # Shift from where the reader is now: a scroll made while the slice was laid out
                # counts (restoring the position taken before it would undo that scroll).
                added = first_view.virtual_region.y - first_y_before
                host.scroll_to(y=host.scroll_y + added, animate=False, immediate=True)
        if self.count > MAX_MOUNTED and not self._following():
            # Far below the reader: unmount, and page it in again on the way down.
            await self._unmount(self.order[MAX_MOUNTED:])
            self.at_end = False
        self.loading = False

    async def _next_refresh(self) -> None:
        """Wait until the screen has been refreshed (laid out and painted) once."""
        done = asyncio.get_running_loop().create_future()
        self._host.call_after_refresh(lambda: done.done() or done.set_result(None))
        await done

    async def _load_later(self) -> None:
        """Mount the next page below the last message; unmount far ones above, keeping the view."""
        host = self._host
        transcript = self.shown
        generation = self.generation
        end = self.end
        if transcript is None or self.at_end:
            self.loading = False
            return
        stop = min(len(transcript.messages), end + PAGE)
        while self.end < stop:
            # Below what is on screen: nothing moves, so no refresh is awaited, only the loop let go.
            messages = transcript.messages[self.end : min(stop, self.end + SLICE)]
            views = await self._mount_page(transcript, messages, before=self._marker())
            if generation != self.generation:
                return
            self.views.update((view.message_id, view) for view in views)
            self.order.extend(view.message_id for view in views)
            self.count += len(views)
            await asyncio.sleep(0)
            if generation != self.generation:
                return
        self.at_end = self.end >= len(transcript.messages)
        if self.count <= MAX_MOUNTED:
            self.loading = False
            return
        # Unmount the far top; the content moves up by its height, so scroll up as much.
        gone = self.order[: self.count - MAX_MOUNTED]
        first_kept = self.views[self.order[len(gone)]]
        removed_height = first_kept.virtual_region.y - self.views[gone[0]].virtual_region.y
        y_before = host.scroll_y
        with host.app.batch_update():
            await self._unmount(gone, top=True)
            host.scroll_to(y=max(0, y_before - removed_height), animate=False, immediate=True)
        self.loading = False

    async def mount_around(self, index: int) -> bool:
        """Replace the window by a page that starts just above message `index`; False if the
        session changed meanwhile. Scrolling from there pages in both directions as usual."""
        transcript = self.shown
        assert transcript is not None
        messages = transcript.messages
        generation = self.generation
        await self._unmount(list(self.order))
        start = max(0, index - 2)
        page = messages[start : start + PAGE]
        views = await self._mount_page(transcript, page, before=self._marker())
        if generation != self.generation:
            return False
        self.views.update((view.message_id, view) for view in views)
        self.order[:] = [view.message_id for view in views]
        self.first, self.count = start, len(views)
        self.at_end = start + len(views) >= len(messages)
        return True

    async def _mount_page(
        self, transcript: Transcript, messages: Sequence[Message], before: Widget
    ) -> list[MessageView]:
        """Mount `messages` (complete, so shown whole) before `before`, in one screen update."""
        views = [MessageView(m) for m in messages]
        with self._host.app.batch_update():
            await self._host.mount_all(views, before=before)
            for view, message in zip(views, messages):
                self._decorate(transcript, message, view)
            await asyncio.gather(*(view.show(message) for view, message in zip(views, messages)))
        return views

    async def _unmount(self, ids: list[str], top: bool = False) -> None:
        views = [self.views.pop(view_id) for view_id in ids]
        self._on_removed(views)
        if top:
            del self.order[: len(ids)]
        else:
            del self.order[len(self.order) - len(ids) :]
        self.count -= len(ids)
        if top:
            self.first += len(ids)
        for view in views:
            # Textual 8.2.8 keeps up to 1,024 styles caches of removed widgets alive (an
            # `lru_cache` on a method of theirs); a refresh empties each one of its rendered lines.
            for widget in view.walk_children(with_self=True):
                widget.refresh()
        await self._host.remove_children(views)
