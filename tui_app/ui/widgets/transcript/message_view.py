"""One message of the transcript: a header, its parts (text, reasoning, tool calls, questions asked)
and a note.

Text streams through `StreamingMarkdown`; reasoning and tool calls are `Collapsible` blocks,
reasoning collapsed by default and rendered only once opened; a turn that did not complete ends
its message with a note saying so, in place.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.markup import escape
from textual.widgets import Collapsible, Static

from tui_app.core import completeness, question_records
from tui_app.core.cost import Cost, format_cost
from tui_app.core.money import format_micros
from tui_app.core.sanitize import strip_control
from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.ui.widgets.transcript.incremental_clean import IncrementalClean
from tui_app.ui.widgets.transcript.interactive_markdown import InteractiveMarkdown
from tui_app.ui.widgets.transcript.notice_view import NoticeView
from tui_app.ui.widgets.transcript.question_record_view import QuestionRecordView

NOTES = {
    "cancelled": ("warning", "■ Cancelled: the turn was stopped. What arrived is kept above."),
    "failed": ("error", "✕ Failed"),
}


def clock_text(when: float | None, now: float | None = None) -> str:
    """`14:05` today, `Nov 21 14:05` on another day; empty when not known."""
    if when is None:
        return ""
    moment = time.localtime(when)
    today = time.localtime(now if now is not None else time.time())
    same_day = moment[:3] == today[:3]
    return time.strftime("%H:%M" if same_day else "%b %d %H:%M", moment)


def header_for(
    message: Message,
    transcript: Transcript,
    cost: Cost | None = None,
    turn: Turn | None = None,
    when: float | None = None,
) -> str:
    """The header line: who, when, the model, the turn's state and its cost (from the ledger's
    summary; None while the turn has reported nothing)."""
    clock = clock_text(when)
    stamp = f" [dim]{clock}[/dim]" if clock else ""
    if message.role == "user":
        return f"[b $secondary]You[/]{stamp}"
    if turn is None and message.turn_id:
        turn = transcript.turn(message.turn_id)
    parts = [f"[b $primary]Agent[/]{stamp}"]
    if turn and turn.usage and turn.usage.model:
        parts.append(escape(turn.usage.model))
    if turn and turn.state == "running":
        parts.append("[$warning]streaming…[/]")
    elif turn and turn.state != "completed":
        parts.append(f"[$error]{turn.state}[/]")
    if cost is not None:
        text = format_cost(cost)
        parts.append("cost unknown" if text == "unknown" else escape(text))
    return " · ".join(parts)


def note_for(message: Message, turn: Turn | None) -> tuple[str, str] | None:
    """(severity, text) of the note that ends a message whose turn did not complete."""
    if message.role != "assistant" or turn is None or turn.state in ("running", "completed"):
        return None
    severity, text = NOTES.get(turn.state, ("error", f"✕ {turn.state.capitalize()}"))
    if turn.error:
        error = strip_control(turn.error)
        if "expired" in error.lower():
            return "error", f"✕ Expired: {error}"
        text = f"{text}: {error}"
    return severity, text


def code_blocks(markdown: str) -> list[str]:
    """The fenced and indented code blocks of a Markdown text, in order."""
    from markdown_it import MarkdownIt  # (not before the first screen)

    tokens = MarkdownIt("gfm-like").parse(markdown)
    return [token.content for token in tokens if token.type in ("fence", "code_block")]


class _Block(Collapsible):
    """A block of a message that opens and closes: by a click on its title, or by Enter on its
    message in the transcript. Its title takes no focus, so Shift+Tab from the composer lands on
    the transcript itself, whose footer then offers Enter (a focused title would take Enter for
    its block alone, and hide it from the footer)."""

    def on_mount(self) -> None:
        for title in self.query("CollapsibleTitle"):
            title.can_focus = False


class ToolCallView(_Block):
    """A tool call: its name and state as the title; its input and output inside. Rendered from
    the part's `ToolCall`; every string in it is the service's, so sanitised and escaped."""

    def __init__(self, part: Part) -> None:
        self._detail = Static(classes="tool-detail")
        super().__init__(self._detail, title="", collapsed=True, classes="tool-call")
        self.part_text = ""

    def show(self, part: Part) -> None:
        if part.text == self.part_text:
            return
        self.part_text = part.text
        call = part.tool
        if call is None:  # stored by an earlier version: a plain line, shown as it was
            self.title = "⚙ [b]tool call[/b]"
            self._detail.update(_shown(part.text))
            return
        state = f"[$error]{_shown(call.state)}[/]" if call.failed else _shown(call.state)
        title = f"⚙ [b]{_shown(call.name)}[/b] · {state}"
        if call.title:
            title += f" · {_shown(call.title)}"
        self.title = title
        self.set_class(call.failed, "-failed")
        lines = [f"[b]tool[/b]    {_shown(call.name)}", f"[b]state[/b]   {_shown(call.state or 'unknown')}"]
        if call.input:
            lines.append(f"[b]input[/b]   {_shown(call.input)}")
        if call.cost_micros is not None:
            lines.append(f"[b]cost[/b]    {format_micros(call.cost_micros)}")
        detail = call.error if call.failed else call.output
        if detail:
            lines.append(f"[b]{'error' if call.failed else 'output'}[/b]\n{_shown(detail)}")
        self._detail.update("\n".join(lines))


def _shown(text: str) -> str:
    """A service's string as markup that shows it literally, without terminal controls."""
    return escape(strip_control(text))


class ReasoningView(_Block):
    """The agent's reasoning: collapsed by default, rendered only while open."""

    def __init__(self, part: Part) -> None:
        self._markdown = InteractiveMarkdown(classes="reasoning-body")
        super().__init__(self._markdown, title="Thinking", collapsed=True, classes="reasoning")
        self.part_text = ""

    async def show(self, part: Part) -> None:
        self.part_text = part.text
        if not self.collapsed:
            await self._markdown.set_text(strip_control(part.text))

    async def on_collapsible_expanded(self, event: Collapsible.Expanded) -> None:
        if event.collapsible is self:
            await self._markdown.set_text(strip_control(self.part_text))


class TextPartView(InteractiveMarkdown):
    """The message's own words, as streaming Markdown."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._clean = IncrementalClean()

    async def show(self, part: Part, final: bool = False) -> None:
        await self.set_text(self._clean(part.text), final=final)


class UserTextView(Static):
    """The user's own words as written: every line break kept, nothing read as Markdown or
    markup (what was typed is what is shown)."""

    def __init__(self) -> None:
        super().__init__(markup=False, classes="message-text user-text")
        self._text: str | None = None

    async def show(self, part: Part, final: bool = False) -> None:
        if part.text != self._text:
            self._text = part.text
            self.update(strip_control(part.text))


PartView = TextPartView | UserTextView | ReasoningView | ToolCallView | QuestionRecordView | NoticeView


class MessageView(Vertical):
    """One message: a header line, its parts in order, and a note if its turn did not complete."""

    DEFAULT_CSS = """
    MessageView {
        height: auto;
        & > .message-header { height: 1; }
        & > .message-note { height: auto; }
    }
    """

    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    """Set by Textual from the size a layout gave (a message does not scroll): another layout of
    the screen then, as `Widget` asks for, doubled the cost of every line a reply adds."""

    def __init__(self, message: Message) -> None:
        super().__init__(id=f"message-{message.id}", classes=f"message -{message.role}")
        self.message_id = message.id
        self.message = message
        self.shown_text: str | None = None
        """`message.display_text` of what is shown (tests and callers compare it)."""
        self._header = Static(classes="message-header")
        self._header_text = ""
        self._note = Static(classes="message-note")
        self._note_text: tuple[str, str] | None = None
        self._parts: dict[str, PartView] = {}

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._note

    def on_mount(self) -> None:
        self._note.display = False

    @property
    def blocks(self) -> list[Collapsible]:
        """Its tool calls and reasoning: what Enter opens and closes."""
        return [view for view in self._parts.values() if isinstance(view, Collapsible)]

    def toggle_blocks(self) -> None:
        """Open every block if one is closed, else close them all."""
        blocks = self.blocks
        opening = any(block.collapsed for block in blocks)
        for block in blocks:
            block.collapsed = not opening

    @property
    def source(self) -> str:
        """The message's words (text parts), as Markdown: what "copy message" copies."""
        return strip_control(self.message.text)

    def set_header(self, text: str) -> None:
        if text != self._header_text:
            self._header_text = text
            self._header.update(text, layout=False)  # one line, always: the cost moves per token

    def set_note(self, note: tuple[str, str] | None) -> None:
        if note == self._note_text:
            return
        self._note_text = note
        self._note.display = note is not None
        if note is not None:
            severity, text = note
            self._note.set_classes(f"message-note -{severity}")
            self._note.update(escape(text))

    async def show(self, message: Message) -> None:
        """Show `message`'s parts; parts that did not change cost nothing."""
        self.message = message
        for part in message.parts:
            if not self.is_attached:
                return  # removed meanwhile (the session was switched away)
            view = self._parts.get(part.id)
            if view is None:
                view = self._view_for(part)
                view.add_class("message-part")
                view.set_class(not self._parts, "-first-part")
                self._parts[part.id] = view
                await self.mount(view, before=self._note)
            if isinstance(view, ToolCallView):
                view.show(part)
            elif isinstance(view, (TextPartView, UserTextView)):
                await view.show(part, final=message.completed)
            else:
                await view.show(part)
        self.shown_text = message.display_text

    def _view_for(self, part: Part) -> PartView:
        if part.kind == "text" and self.message.role == "user":
            return UserTextView()
        if part.kind == "reasoning":
            return ReasoningView(part)
        if part.kind == "tool":
            return ToolCallView(part)
        if part.kind == question_records.KIND:
            return QuestionRecordView()
        if completeness.is_client_note(part):
            return NoticeView()
        return TextPartView(classes="message-text")
