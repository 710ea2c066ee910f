"""The transcript of the session on screen, with streaming text coalesced to the frame rate."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Markdown, Static

from tui_app.core.money import format_money
from tui_app.core.sanitize import strip_control
from tui_app.core.transcript import Message, Transcript

FRAME_SECONDS = 1 / 30


class MessageView(Vertical):
    """One message: a header line and its text as Markdown."""

    def __init__(self, message: Message) -> None:
        super().__init__(id=f"message-{message.id}", classes=f"message -{message.role}")
        self.message_id = message.id
        self.shown_text: str | None = None
        self._header = Static(classes="message-header")
        self._header_text = ""
        self._body = Markdown(classes="message-body")

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._body

    def set_header(self, text: str) -> None:
        # Called for every message each frame: touch only the headers that changed.
        if text != self._header_text:
            self._header_text = text
            self._header.update(text)

    async def set_text(self, text: str) -> None:
        """Show `text`, appending only what is new when it extends what is shown.

        Appending keeps finished blocks in place (no blank frame while a block is rebuilt).
        Never `update()` a Markdown that will be appended to (PERFORMANCE.md: that mis-parses an
        open code fence); when the text changed rather than grew, start a fresh widget instead.
        """
        if not self._body.is_mounted:
            return  # removed by a switch mid-frame (or not mounted yet): the next frame shows it
        clean = strip_control(text)
        shown = self._body.source
        if clean.startswith(shown):
            if len(clean) > len(shown):
                await self._body.append(clean[len(shown) :])
        else:
            fresh = Markdown(classes="message-body")
            await self._body.remove()
            self._body = fresh
            await self.mount(fresh)
            await fresh.append(clean)
        self.shown_text = text


def header_for(message: Message, transcript: Transcript, unit: str = "micros") -> str:
    if message.role == "user":
        return "[b $secondary]You[/]"
    turn = transcript.turn(message.turn_id) if message.turn_id else None
    parts = ["[b $primary]Agent[/]"]
    if turn and turn.usage and turn.usage.model:
        parts.append(escape(turn.usage.model))
    if turn and turn.state == "running":
        parts.append("[$warning]streaming…[/]")
    elif turn and turn.state != "completed":
        parts.append(f"[$error]{turn.state}{': ' + escape(turn.error) if turn.error else ''}[/]")
    if turn and turn.cost_micros is not None:
        parts.append(format_money(turn.cost_micros, unit))
    return " · ".join(parts)


class TranscriptView(VerticalScroll):
    """Shows one transcript. `show()` may be called per event; rendering happens at most per frame."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending: Transcript | None = None
        self._unit = "micros"
        self._flushing = False
        self._views: dict[str, MessageView] = {}
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Static("Type a message below and press Enter to send it.", id="transcript-empty")

    def on_mount(self) -> None:
        # Follow new output at the bottom until the user scrolls up.
        self.anchor()

    async def reset(self) -> None:
        """Forget what is shown, to show another session."""
        self._generation += 1  # a render of the previous session in flight stops at its next step
        self._pending = None
        self._views.clear()
        await self.remove_children(MessageView)

    async def reveal(self, message_id: str) -> bool:
        """Scroll `message_id` into view (once it is rendered); False if it is not in the transcript."""
        for _ in range(100):
            view = self._views.get(message_id)
            if view is not None and view.is_mounted:
                self.scroll_to_widget(view, top=True, animate=False)
                view.add_class("-found")
                return True
            if self._pending is None and not self._flushing:
                return False
            await asyncio.sleep(FRAME_SECONDS)
        return False

    def show(self, transcript: Transcript, unit: str = "micros") -> None:
        self._pending = transcript
        self._unit = unit
        if not self._flushing:
            self._flushing = True
            self.set_timer(FRAME_SECONDS, self._flush_frame)

    async def _flush_frame(self) -> None:
        # One render per frame, then back to the message queue: looping here until the stream
        # ends would starve this widget's other events (scrolling, clicks) for the whole turn.
        transcript, self._pending = self._pending, None
        try:
            if transcript is not None:
                await self._render_transcript(transcript)
        finally:
            if self._pending is not None:
                self.set_timer(FRAME_SECONDS, self._flush_frame)
            else:
                self._flushing = False

    async def _render_transcript(self, transcript: Transcript) -> None:
        generation = self._generation
        new_views = [MessageView(m) for m in transcript.messages if m.id not in self._views]
        if new_views:
            self._views.update((view.message_id, view) for view in new_views)
            self.query("#transcript-empty").remove()
            await self.mount_all(new_views)
            if generation != self._generation:  # switched away while mounting
                for view in new_views:
                    await view.remove()
                return
        for message in transcript.messages:
            view = self._views.get(message.id)
            if view is None or generation != self._generation:
                return
            view.set_header(header_for(message, transcript, self._unit))
            if view.shown_text != message.display_text:
                await view.set_text(message.display_text)
