"""A line the client wrote into a reply (`core/completeness.py`: what a resumed feed brought
back; a budget that stopped the turn), drawn apart from what the agent said: dimmed and in
italics, as a warning when it asks for attention (events not replayed, completeness not known, a
turn stopped). Its text is ours, but it is shown as data all the same: never Markdown, never markup."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_app.core import completeness
from tui_app.core.transcript import Part


class NoticeView(Static):
    DEFAULT_CSS = """
    NoticeView {
        height: auto;
        color: $text-muted;
        text-style: italic;
    }
    NoticeView.-warning {
        color: $text-warning;
    }
    """

    def __init__(self) -> None:
        super().__init__(classes="message-notice")
        self.part_text = ""

    async def show(self, part: Part) -> None:
        if part.text == self.part_text:
            return
        self.part_text = part.text
        self.set_class(completeness.warns(part), "-warning")
        self.update(Content(part.text))
