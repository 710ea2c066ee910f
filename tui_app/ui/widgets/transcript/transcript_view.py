"""The transcript of the session on screen: rendered at the frame rate, paged, copyable.

- `show()` may be called per event: it only remembers the transcript; a frame timer renders
  the newest one at most `frame_rate` times a second.
- Only the last `PAGE` messages are mounted when a session is shown; earlier pages are mounted
  when the user scrolls near the top, keeping what is on screen in place (a session of
  5,000 messages never mounts 5,000 widgets to paint its first screen).
- It follows new output at the bottom unless the user scrolled up; then a marker offers the
  way back down (End, or a click).
- Once focused (Shift+Tab from the composer, or a click), Up/Down select a message; `c` copies
  it and `y` its code blocks, one after the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message as TextualMessage
from textual.widget import Widget
from textual.widgets import Static

from tui_app.core.cost import Cost
from tui_app.core.transcript import Message, Transcript, Turn
from tui_app.ui.widgets.transcript.message_view import MessageView, code_blocks, header_for, note_for

__all__ = ["MessageView", "TranscriptView", "header_for"]


def _no_cost(turn_id: str) -> Cost | None:
    return None


FRAME_RATE = 30.0
PAGE = 15
"""Messages mounted on first paint, and per page loaded when scrolling up."""
LOAD_EARLIER_ROWS = 4
"""Scrolling within this many rows of the top (bottom) loads the previous (next) page."""
MAX_MOUNTED = 4 * PAGE
"""Messages mounted at most: paging in one end unmounts the far end."""
NEW_OUTPUT = "↓ new output — click or Ctrl+End to jump"


class NewOutputMarker(Static):
    """Shown while the user reads above and new output arrives; a click jumps down."""

    class Clicked(TextualMessage):
        pass

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked())


class TranscriptView(VerticalScroll, can_focus=True):
    """Shows one transcript. `show()` may be called per event; rendering happens at most per frame."""

    BINDINGS = [
        Binding("up,k", "select(-1)", "Previous message", show=False, id="transcript-previous"),
        Binding("down,j", "select(1)", "Next message", show=False, id="transcript-next"),
        Binding("c", "copy_message", "Copy message", id="copy-message"),
        Binding("y", "copy_code", "Copy code", id="copy-code"),
        Binding("end", "jump_to_end", "Jump to end", show=False, id="jump-to-end"),
        Binding("home", "jump_to_start", "Top", show=False, id="transcript-top"),
    ]

    def __init__(self, *, frame_rate: float = FRAME_RATE, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.frame_rate = frame_rate
        """Renders per second at most while output streams (the app may set it from settings)."""
        self._pending: Transcript | None = None
        self.times: Mapping[str, float] = {}
        """When each message appeared (set by the app with the session; read at each frame)."""
        self.turn_cost: Callable[[str], Cost | None] = _no_cost
        """A turn's cost by its id, from the ledger (set by the app with the session)."""
        self._shown: Transcript | None = None
        self._unit = "micros"
        self._flushing = False
        self._views: dict[str, MessageView] = {}
        self._order: list[str] = []
        """Ids of the mounted messages, top to bottom."""
        self._first = 0
        """Index in the transcript of the first mounted message."""
        self._count = 0
        """Messages mounted, from `_first` on."""
        self._at_end = True
        """Whether the mounted window reaches the newest message (new ones are mounted as they come)."""
        self._generation = 0
        self._loading_earlier = False
        self._selected: MessageView | None = None
        self._code_cursor: tuple[str, int] = ("", -1)
        self._turns: tuple[Turn, ...] | None = None
        self._turn_by_id: dict[str, Turn] = {}
        self._released = False
        """Whether the user scrolled away from the bottom (Textual keeps its own flag private)."""

    def compose(self) -> ComposeResult:
        yield Static("Type a message below and press Enter to send it.", id="transcript-empty")
        yield NewOutputMarker(NEW_OUTPUT, id="new-output")

    def on_mount(self) -> None:
        # Follow new output at the bottom until the user scrolls up.
        self.anchor()
        self.query_one(NewOutputMarker).display = False

    # -- what the app calls -------------------------------------------------------------

    async def reset(self) -> None:
        """Forget what is shown, to show another session."""
        self._generation += 1  # a render of the previous session in flight stops at its next step
        self._pending = None
        self._shown = None
        self._views.clear()
        self._order.clear()
        self._first = self._count = 0
        self._at_end = True
        self._selected = None
        self._loading_earlier = False
        self.query_one(NewOutputMarker).display = False
        await self.remove_children(MessageView)
        self.anchor()

    def show(self, transcript: Transcript, unit: str = "micros") -> None:
        self._pending = transcript
        self._unit = unit
        if not self._flushing:
            self._flushing = True
            if self._shown is None:
                self.call_later(self._flush_frame)  # the first paint of a session does not wait a frame
            else:
                self.set_timer(1 / self.frame_rate, self._flush_frame)

    @property
    def rendering(self) -> bool:
        """Whether a frame is due or being rendered."""
        return self._flushing

    @property
    def following(self) -> bool:
        """Whether new output scrolls into view (the user has not scrolled up)."""
        return not self._released

    def release_anchor(self) -> None:
        # Textual calls this when the user scrolls; back at the bottom the anchor holds again.
        super().release_anchor()
        self._released = True

    def scroll_end(self, *args: Any, **kwargs: Any) -> None:
        self._released = False  # as Textual does: scrolling to the end re-engages the anchor
        super().scroll_end(*args, **kwargs)

    @property
    def mounted_messages(self) -> int:
        return self._count

    # -- rendering --------------------------------------------------------------------

    async def _flush_frame(self) -> None:
        # One render per frame, then back to the message queue: looping here until the stream
        # ends would starve this widget's other events (scrolling, clicks) for the whole turn.
        transcript, self._pending = self._pending, None
        try:
            if transcript is not None:
                await self._render_transcript(transcript)
        finally:
            if self._pending is not None:
                self.set_timer(1 / self.frame_rate, self._flush_frame)
            else:
                self._flushing = False

    def _cost(self, message: Message) -> Cost | None:
        return None if message.turn_id is None or message.role == "user" else self.turn_cost(message.turn_id)

    def _turn(self, transcript: Transcript, message: Message) -> Turn | None:
        if message.turn_id is None:
            return None
        if transcript.turns is not self._turns:
            self._turns = transcript.turns
            self._turn_by_id = {turn.id: turn for turn in transcript.turns}
        return self._turn_by_id.get(message.turn_id)

    async def _render_transcript(self, transcript: Transcript) -> None:
        generation = self._generation
        messages = transcript.messages
        end = self._first + self._count
        first_paint = self._shown is None
        if first_paint:
            self._first = self._first_page_start(messages)
            end = self._first
        elif len(messages) < end or (self._order and (messages[self._first].id, messages[end - 1].id) != (self._order[0], self._order[-1])):
            # Not the transcript we were showing grown: show it afresh.
            await self.reset()
            await self._render_transcript(transcript)
            return
        self._shown = transcript
        grew = len(messages) > end and self._at_end
        new_below = len(messages) > end and not self._at_end
        # One layout for the whole frame, however many messages changed or arrived.
        with self.app.batch_update():
            if grew:
                new_views = [MessageView(m) for m in messages[end:]]
                self._views.update((view.message_id, view) for view in new_views)
                self._order.extend(view.message_id for view in new_views)
                self._count += len(new_views)
                self.query("#transcript-empty").remove()
                await self.mount_all(new_views, before=self.query_one(NewOutputMarker))
                if generation != self._generation:  # switched away while mounting
                    return
            changed: list[tuple[MessageView, Message]] = []
            for index in range(self._first, self._first + self._count):
                message = messages[index]
                view = self._views.get(message.id)
                if view is None:
                    return
                turn = self._turn(transcript, message)
                view.set_header(header_for(message, transcript, self._cost(message), turn, self.times.get(message.id)))
                view.set_note(note_for(message, turn))
                if view.message is not message or view.shown_text is None:
                    changed.append((view, message))
            await asyncio.gather(*(view.show(message) for view, message in changed))
        if self.has_focus and (self._selected is None or self._selected.parent is None) and self._order:
            self._select(self._views[self._order[-1]])
        if first_paint and self._first > 0:
            # Mount the page above once the first screen is painted, so scrolling up finds it.
            self.call_after_refresh(self._prefetch_earlier, generation)
        if (grew or changed or new_below) and not self.following and generation == self._generation:
            self.query_one(NewOutputMarker).display = True

    # -- paging -------------------------------------------------------------------------

    def _first_page_start(self, messages: tuple[Message, ...]) -> int:
        """Where the first paint starts: enough messages to fill the screen, at most PAGE.

        Every mounted widget costs (CSS, layout) on the first paint, so a session shows what
        fits first and mounts earlier pages as the user scrolls up to them.
        """
        width = max(20, self.size.width - 4)
        wanted = max(self.size.height, 24)
        rows = 0
        start = len(messages)
        while start > 0 and len(messages) - start < PAGE and rows < wanted:
            start -= 1
            text = messages[start].display_text
            rows += 3 + sum(1 + len(line) // width for line in text.split("\n"))
        return start

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y:
            self._released = False
            self.query(NewOutputMarker).set(display=False)
        if self._loading_earlier or not self._shown:
            return
        if new_value <= LOAD_EARLIER_ROWS and self._first > 0:
            self._loading_earlier = True
            self.run_worker(self._load_earlier(), group="load-earlier", exclusive=True)
        elif new_value >= self.max_scroll_y - LOAD_EARLIER_ROWS and not self._at_end:
            self._loading_earlier = True
            self.run_worker(self._load_later(), group="load-earlier", exclusive=True)

    def _prefetch_earlier(self, generation: int) -> None:
        if generation == self._generation and not self._loading_earlier and self._first > 0:
            self._loading_earlier = True
            self.run_worker(self._load_earlier(), group="load-earlier", exclusive=True)

    async def _load_earlier(self) -> None:
        """Mount the previous page above the first message, keeping the view where it is."""
        transcript = self._shown
        generation = self._generation
        if transcript is None or self._first == 0:
            self._loading_earlier = False
            return
        start = max(0, self._first - PAGE)
        messages = transcript.messages[start : self._first]
        first_view = self.query(MessageView).first()
        first_y_before = first_view.virtual_region.y
        y_before = self.scroll_y
        views = await self._mount_page(transcript, messages, before=first_view)
        if generation != self._generation:
            return
        self._views.update((view.message_id, view) for view in views)
        self._order[:0] = [view.message_id for view in views]
        self._first = start
        self._count += len(views)
        if self._count > MAX_MOUNTED and not self.following:
            # Far below the reader: unmount, and page it in again on the way down.
            await self._unmount(self._order[MAX_MOUNTED:])
            self._at_end = False

        def keep_place() -> None:
            if not self.following and first_view.is_attached:  # (following: the anchor keeps the bottom)
                added = first_view.virtual_region.y - first_y_before
                self.scroll_to(y=y_before + added, animate=False, immediate=True)
            self._loading_earlier = False

        self.call_after_refresh(keep_place)

    async def _load_later(self) -> None:
        """Mount the next page below the last message; unmount far ones above, keeping the view."""
        transcript = self._shown
        generation = self._generation
        end = self._first + self._count
        if transcript is None or self._at_end:
            self._loading_earlier = False
            return
        messages = transcript.messages[end : end + PAGE]
        views = await self._mount_page(transcript, messages, before=self.query_one(NewOutputMarker))
        if generation != self._generation:
            return
        self._views.update((view.message_id, view) for view in views)
        self._order.extend(view.message_id for view in views)
        self._count += len(views)
        self._at_end = self._first + self._count >= len(transcript.messages)
        if self._count <= MAX_MOUNTED:
            self._loading_earlier = False
            return
        # Unmount the far top; the content moves up by its height, so scroll up as much.
        gone = self._order[: self._count - MAX_MOUNTED]
        first_kept = self._views[self._order[len(gone)]]
        removed_height = first_kept.virtual_region.y - self._views[gone[0]].virtual_region.y
        y_before = self.scroll_y
        with self.app.batch_update():
            await self._unmount(gone, top=True)
            self.scroll_to(y=max(0, y_before - removed_height), animate=False, immediate=True)
        self._loading_earlier = False

    async def reveal(self, message_id: str) -> bool:
        """Bring `message_id` into view and mark it (a search result); False if it is not here.

        A message outside the mounted window is reached by mounting a page that starts just
        above it; scrolling from there pages in both directions as usual."""
        for _ in range(200):  # the session may have just been switched to: wait for its first paint
            if self._shown is not None and not self._flushing:
                break
            await asyncio.sleep(1 / self.frame_rate)
        transcript = self._shown
        if transcript is None:
            return False
        messages = transcript.messages
        index = next((i for i, m in enumerate(messages) if m.id == message_id), None)
        if index is None:
            return False
        if message_id not in self._views:
            generation = self._generation
            await self._unmount(list(self._order))
            start = max(0, index - 2)
            page = messages[start : start + PAGE]
            views = await self._mount_page(transcript, page, before=self.query_one(NewOutputMarker))
            if generation != self._generation:
                return False
            self._views.update((view.message_id, view) for view in views)
            self._order[:] = [view.message_id for view in views]
            self._first, self._count = start, len(views)
            self._at_end = start + len(views) >= len(messages)
        for view in self.query(".-found"):
            view.remove_class("-found")
        found = self._views[message_id]
        found.add_class("-found")
        self.call_after_refresh(lambda: self.scroll_to_widget(found, top=True, animate=False, immediate=True))
        return True

    async def _mount_page(
        self, transcript: Transcript, messages: Sequence[Message], before: Widget
    ) -> list[MessageView]:
        """Mount `messages` (complete, so shown whole) before `before`, in one screen update."""
        views = [MessageView(m) for m in messages]
        with self.app.batch_update():
            await self.mount_all(views, before=before)
            for view, message in zip(views, messages):
                turn = self._turn(transcript, message)
                view.set_header(header_for(message, transcript, self._cost(message), turn, self.times.get(message.id)))
                view.set_note(note_for(message, turn))
            await asyncio.gather(*(view.show(message) for view, message in zip(views, messages)))
        return views

    async def _unmount(self, ids: list[str], top: bool = False) -> None:
        views = [self._views.pop(view_id) for view_id in ids]
        if self._selected in views:
            self._selected = None
        if top:
            del self._order[: len(ids)]
        else:
            del self._order[len(self._order) - len(ids) :]
        self._count -= len(ids)
        if top:
            self._first += len(ids)
        await self.remove_children(views)

    # -- keys ---------------------------------------------------------------------------

    async def action_jump_to_end(self) -> None:
        self.query_one(NewOutputMarker).display = False
        if not self._at_end and self._shown is not None:
            # The newest messages are not mounted: paint the end afresh.
            transcript = self._shown
            await self.reset()
            self.show(transcript, self._unit)
            return
        self.anchor()
        self.scroll_end(animate=False, immediate=True)

    async def on_new_output_marker_clicked(self, _message: NewOutputMarker.Clicked) -> None:
        await self.action_jump_to_end()

    def action_jump_to_start(self) -> None:
        self.scroll_home(animate=False)

    def _select(self, view: MessageView | None) -> None:
        if self._selected is not None:
            self._selected.remove_class("-selected")
        self._selected = view
        if view is not None:
            view.add_class("-selected")
            self.scroll_to_widget(view, animate=False, top=view.size.height > self.size.height)

    def on_focus(self) -> None:
        if self._selected is None or self._selected.parent is None:
            views = self.query(MessageView)
            if views:
                self._select(views.last())

    def action_select(self, step: int) -> None:
        views = list(self.query(MessageView))
        if not views:
            return
        if self._selected not in views:
            self._select(views[-1])
            return
        index = views.index(self._selected) + step  # type: ignore[arg-type]
        if index < 0:
            self.scroll_home(animate=False)  # loads the previous page, if any
            index = 0
        self._select(views[min(index, len(views) - 1)])

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        while widget is not None and widget is not self and not isinstance(widget, MessageView):
            widget = widget.parent  # type: ignore[assignment]
        if isinstance(widget, MessageView):
            self._select(widget)

    def _target(self) -> MessageView | None:
        if self._selected is not None and self._selected.parent is not None:
            return self._selected
        views = self.query(MessageView)
        return views.last() if views else None

    def action_copy_message(self) -> None:
        view = self._target()
        if view is None:
            self.notify("Nothing to copy yet.", severity="warning")
            return
        self._copy(view.source, "the message")

    def action_copy_code(self) -> None:
        view = self._target()
        blocks = code_blocks(view.source) if view is not None else []
        if view is None or not blocks:
            self.notify("This message has no code block.", severity="warning")
            return
        # Each press copies the next block of the message, wrapping around.
        last_id, last_index = self._code_cursor
        index = (last_index + 1) % len(blocks) if last_id == view.message_id else 0
        self._code_cursor = (view.message_id, index)
        self._copy(blocks[index], f"code block {index + 1} of {len(blocks)}")

    def _copy(self, text: str, what: str) -> None:
        """OSC 52 to the terminal's clipboard, and a file for terminals that ignore it."""
        self.app.copy_to_clipboard(text)
        fallback = self._clipboard_file()
        try:
            fallback.parent.mkdir(parents=True, exist_ok=True)
            fallback.write_text(text, encoding="utf-8")
        except OSError:
            self.notify(f"Copied {what} ({len(text)} characters) through the terminal (OSC 52).", title="Copied")
            return
        self.notify(
            f"Copied {what} ({len(text)} characters). If your terminal ignores OSC 52, it is also in {fallback}",
            title="Copied",
        )

    def _clipboard_file(self) -> Path:
        store = getattr(self.app, "store", None)
        if store is not None and getattr(store, "path", None) is not None:
            return Path(store.path).parent / "clipboard.txt"
        from tui_app.settings.backend_choice import data_dir

        return data_dir() / "clipboard.txt"
