"""The transcript's streamed Markdown as the user handles it: selected with the mouse, its links
clicked, its cut code lines opened whole. `StreamingMarkdown` draws; this adds what the mouse
does, from the lines drawn and the source, so the drawing can change without it.

A click is told to the app as a message (`LinkClicked`, `CodeClicked`): the dialogs are screens,
which a widget does not import (`ui/flows/transcript_clicks.py` answers them).
"""

from __future__ import annotations

from textual import events
from textual.message import Message

from tui_app.ui.widgets.transcript.links import clicked_link
from tui_app.ui.widgets.transcript.streaming_markdown import StreamingMarkdown
from tui_app.ui.widgets.transcript.text_selection import SelectableLines
from tui_app.ui.widgets.transcript.wide_code import wide_line_at


class InteractiveMarkdown(SelectableLines, StreamingMarkdown):
    """`StreamingMarkdown` that takes part in the screen's selection and answers clicks."""

    class LinkClicked(Message):
        """A web link in a reply was clicked: `url` is the agent's data."""

        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class CodeClicked(Message):
        """A code line cut at the width was clicked: its whole block, and that line's index."""

        def __init__(self, code: str, line: int) -> None:
            super().__init__()
            self.code = code
            self.line = line

    def on_click(self, event: events.Click) -> None:
        if self.screen.selections:
            return  # the click that ends a drag: the user selected text, they did not click
        if (url := clicked_link(event)) is not None:
            self.post_message(self.LinkClicked(url))
            return
        offset = event.get_content_offset(self)
        if offset is None or offset.y >= self.content_size.height:
            return
        wide = wide_line_at(self.committed, self.render_line(offset.y).text)
        if wide is not None:
            self.post_message(self.CodeClicked(wide.code, wide.line))
