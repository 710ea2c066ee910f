"""The transcript of the session on screen: rendered at the frame rate, paged, copyable.

- `show()` may be called per event: it only remembers the transcript; a frame timer renders
  the newest one at most `frame_rate` times a second, less often while tokens come slowly
  (`frame_pacer.py`).
- Only a window of the messages is mounted (`message_window.py`): the last page when a session
  is shown, earlier pages as the user scrolls up to them.
- It follows new output at the bottom unless the user scrolled up; then a marker offers the
  way back down (End, or a click).
- Once focused (Shift+Tab from the composer, or a click), Up/Down select a message; Ctrl+C copies
  it (or the text selected with the mouse) and Ctrl+Y its code blocks, one after the other
  (`clipboard.py`). A printable key typed here goes to the composer (`typed`): no command hides
  behind a letter, and nothing typed is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Static

from tui_app.core.transcript import Message, Transcript
from tui_app.ui.widgets.transcript.clipboard import CodeCursor, copy_text
from tui_app.ui.widgets.transcript.frame_pacer import FramePacer, turn_over
from tui_app.ui.widgets.transcript.message_headers import MessageHeaders
from tui_app.ui.widgets.transcript.message_view import MessageView, code_blocks, header_for
from tui_app.ui.widgets.transcript.message_window import MAX_MOUNTED, PAGE, MessageWindow, first_page_start
from tui_app.ui.widgets.transcript.new_output_marker import NEW_OUTPUT, NewOutputMarker
from tui_app.ui.widgets.transcript.transcript_bindings import TRANSCRIPT_BINDINGS

__all__ = ["MAX_MOUNTED", "PAGE", "MessageView", "NewOutputMarker", "TranscriptView", "header_for"]


FRAME_RATE = 30.0


class TranscriptView(VerticalScroll, can_focus=True):
    """Shows one transcript. `show()` may be called per event; rendering happens at most per frame."""

    BINDINGS = TRANSCRIPT_BINDINGS
    BLANK = True  # its messages cover it: no lines of its own kept (blank_containers.py)

    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    """Set by Textual from a layout, which also followed the end (the anchor) and sized the
    scrollbars: a second layout of the screen, as `Widget` asks for, doubled each line's cost."""

    def __init__(self, *, frame_rate: float = FRAME_RATE, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.frame_rate = frame_rate
        """Renders per second at most while output streams (the app may set it from settings)."""
        self._pending: Transcript | None = None
        self._given: Transcript | None = None
        self.pacer = FramePacer(lambda: self.frame_rate)
        """When the next frame is due (the app's other per-token updates follow it too)."""
        self.headers = MessageHeaders()
        """Each message's header and note (the app sets its times and costs with the session)."""
        self.typed: Callable[[str], object] | None = None
        """Where a printable key typed here goes (set by the app: into the composer)."""
        self._unit = "micros"
        self._flushing = False
        self._due: Timer | None = None  # the tick the next frame waits for, if it waits for one
        self._window = MessageWindow(
            self,
            marker=lambda: self.query_one(NewOutputMarker),
            decorate=self.headers.decorate,
            following=lambda: self.following,
            on_removed=self._forget_selection_in,
        )
        self._selected: MessageView | None = None
        self._code_cursor = CodeCursor()
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
        self._pending = None
        self._window.clear()  # a render of the previous session in flight stops at its next step
        self._selected = None
        self.query_one(NewOutputMarker).display = False
        await self.remove_children(MessageView)
        self.anchor()

    async def switch_to(self, transcript: Transcript, unit: str = "micros") -> None:
        """Show another session's transcript in place of this one, in one paint: the screen's
        updates are held while the old messages go and the new last page is mounted, so no
        frame shows an empty transcript between the two."""
        with self.app.batch_update():
            await self.reset()
            self._unit = unit
            await self._render_transcript(transcript)

    def show(self, transcript: Transcript, unit: str = "micros") -> None:
        if transcript is not self._given:  # (the same one again is no new event)
            self._given = transcript
            self.pacer.event()
        self._pending = transcript
        self._unit = unit
        if not self._flushing:
            self._flushing = True
            self._schedule(transcript)
        elif self._due is not None and turn_over(transcript):
            self._due.stop()  # the turn's last frame does not wait for the next tick
            self._due = None
            self.call_later(self._flush_frame)

    def _schedule(self, transcript: Transcript) -> None:
        if self._window.shown is None or turn_over(transcript):
            # The first paint of a session, and the last frame of a turn, do not wait a frame.
            self.call_later(self._flush_frame)
        else:
            self._due = self.set_timer(self.pacer.interval, self._flush_frame)

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
        return self._window.count

    @property
    def _loading_earlier(self) -> bool:
        """Whether a page is being mounted (tests wait for it to settle)."""
        return self._window.loading

    # -- rendering --------------------------------------------------------------------

    async def _flush_frame(self) -> None:
        # One render per frame, then back to the message queue: looping here until the stream
        # ends would starve this widget's other events (scrolling, clicks) for the whole turn.
        self._due = None
        transcript, self._pending = self._pending, None
        try:
            if transcript is not None:
                await self._render_transcript(transcript)
        finally:
            # The frame was drawn inside a batch: the screen's idle check ran while the batch held
            # it and returned, so nothing would lay out or paint the frame until some other event.
            if self.is_attached:
                self.screen.check_idle()
            if self._pending is not None:
                self._schedule(self._pending)
            else:
                self._flushing = False
                self.pacer.frame_made(self.call_after_refresh)

    def redraw_headers(self) -> None:
        """The mounted messages' headers, now: the costs they show moved between two frames."""
        self.headers.redraw(self._window)

    async def _render_transcript(self, transcript: Transcript) -> None:
        window = self._window
        generation = window.generation
        messages = transcript.messages
        end = window.end
        first_paint = window.shown is None
        if first_paint:
            window.first = first_page_start(messages, self.size.width, self.size.height)
            end = window.first
        elif not window.holds_start_of(messages):
            # Not the transcript we were showing grown: show it afresh.
            await self.reset()
            await self._render_transcript(transcript)
            return
        window.shown = transcript
        grew = len(messages) > end and window.at_end
        new_below = len(messages) > end and not window.at_end
        # One layout for the whole frame, however many messages changed or arrived.
        with self.app.batch_update():
            if grew:
                self.query("#transcript-empty").remove()
                await window.mount_new(messages[end:])
                if generation != window.generation:  # switched away while mounting
                    return
            changed: list[tuple[MessageView, Message]] = []
            for index in range(window.first, window.end):
                message = messages[index]
                view = window.views.get(message.id)
                if view is None:
                    return
                self.headers.decorate(transcript, message, view)
                if view.message is not message or view.shown_text is None:
                    changed.append((view, message))
            await asyncio.gather(*(view.show(message) for view, message in changed))
        if self.has_focus and (self._selected is None or self._selected.parent is None) and window.order:
            self._select_in_view()
        if first_paint and window.first > 0:
            self.call_after_refresh(window.prefetch_earlier, generation)
        if (grew or changed or new_below) and not self.following and generation == window.generation:
            self.query_one(NewOutputMarker).display = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y:
            self._released = False
            self.query(NewOutputMarker).set(display=False)
        self._window.on_scroll(new_value, self.max_scroll_y)

    async def reveal(self, message_id: str) -> bool:
        """Bring `message_id` into view and mark it (a search result); False if it is not here.

        A message outside the mounted window is reached by mounting a page around it."""
        for _ in range(200):  # the session may have just been switched to: wait for its first paint
            if self._window.shown is not None and not self._flushing:
                break
            await asyncio.sleep(1 / self.frame_rate)
        transcript = self._window.shown
        if transcript is None:
            return False
        index = next((i for i, m in enumerate(transcript.messages) if m.id == message_id), None)
        if index is None:
            return False
        if message_id not in self._window.views and not await self._window.mount_around(index):
            return False
        for view in self.query(".-found"):
            view.remove_class("-found")
        found = self._window.views[message_id]
        found.add_class("-found")
        self.call_after_refresh(lambda: self.scroll_to_widget(found, top=True, animate=False, immediate=True))
        return True

    # -- keys ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # A key bound here or above (a remapped command, Alt+digit as tmux sends it) keeps its meaning.
        if self.typed and event.is_printable and event.character and event.key not in self.app.active_bindings:
            event.stop()
            event.prevent_default()
            self.typed(event.character)

    async def action_jump_to_end(self) -> None:
        self.query_one(NewOutputMarker).display = False
        if not self._window.at_end and self._window.shown is not None:
            # The newest messages are not mounted: paint the end afresh.
            transcript = self._window.shown
            await self.reset()
            self.show(transcript, self._unit)
            return
        views = self.query(MessageView)
        if self.has_focus and views:
            self._select(views.last(), scroll=False)  # scroll_end shows it
        self.anchor()
        self.scroll_end(animate=False, immediate=True)

    async def on_new_output_marker_clicked(self, _message: NewOutputMarker.Clicked) -> None:
        await self.action_jump_to_end()

    def action_jump_to_start(self) -> None:
        # The selection goes to the top too, so Down then reads on from there (not from the end).
        views = self.query(MessageView)
        if views:
            self._select(views.first(), scroll=False)
        self.scroll_home(animate=False)

    # -- selection and copy ---------------------------------------------------------------

    def _select(self, view: MessageView | None, scroll: bool = True) -> None:
        if self._selected is not None:
            self._selected.remove_class("-selected")
        self._selected = view
        self.refresh_bindings()  # Enter is offered only on a message with blocks
        if view is not None:
            view.add_class("-selected")
        if view is not None and scroll:
            self.scroll_to_widget(view, animate=False, top=view.size.height > self.size.height)

    def _forget_selection_in(self, views: list[MessageView]) -> None:
        self._selected = None if self._selected in views else self._selected

    def on_focus(self) -> None:
        if self._selected is None or self._selected.parent is None:
            self._select_in_view()

    def _select_in_view(self) -> None:
        """Select a message without moving the reader: the last one while following, else the
        first one on screen (the selected message may have been unmounted far below)."""
        views = list(self.query(MessageView))
        if not views:
            return
        if self.following:
            self._select(views[-1], scroll=False)  # a click that focuses must not move the text under a drag
            return
        top = self.scroll_y
        self._select(next((v for v in views if v.virtual_region.bottom > top), views[-1]), scroll=False)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_blocks":
            view = self._target()
            return view is not None and bool(view.blocks)
        return True

    def action_toggle_blocks(self) -> None:
        view = self._target()
        if view is not None:
            view.toggle_blocks()

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        while widget is not None and widget is not self and not isinstance(widget, MessageView):
            widget = widget.parent  # type: ignore[assignment]
        if isinstance(widget, MessageView):
            self._select(widget, scroll=False)  # it is on screen: scrolling would move a mouse selection

    def _target(self) -> MessageView | None:
        if self._selected is not None and self._selected.parent is not None:
            return self._selected
        views = self.query(MessageView)
        return views.last() if views else None

    def action_copy_message(self) -> None:
        if selected := self.screen.get_selected_text():
            copy_text(self.app, selected, "the selected text")
            return
        view = self._target()
        if view is None:
            self.notify("Nothing to copy yet.", severity="warning")
            return
        copy_text(self.app, view.source, "the message")

    def action_copy_code(self) -> None:
        view = self._target()
        blocks = code_blocks(view.source) if view is not None else []
        if view is None or not blocks:
            self.notify("This message has no code block.", severity="warning")
            return
        index = self._code_cursor.next(view.message_id, len(blocks))
        copy_text(self.app, blocks[index], f"code block {index + 1} of {len(blocks)}")
