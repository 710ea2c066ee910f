"""The multi-line composer: Enter sends, Ctrl+J (or Shift+Enter where the terminal tells) adds a line."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea


class Composer(TextArea):
    """Where the user writes. Its text is only cleared once a send was accepted."""

    BINDINGS = [
        Binding("enter", "send", "Send", id="send"),
        Binding("ctrl+j", "newline", "New line", id="newline"),
    ]

    @dataclass
    class Submitted(Message):
        composer: Composer
        text: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder="Message the agent…",
            **kwargs,  # type: ignore[arg-type]
        )

    async def _on_key(self, event: events.Key) -> None:
        # TextArea turns Enter into a newline before bindings see it, so intercept it here.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_send()
        elif event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.action_newline()
        else:
            await super()._on_key(event)

    def action_send(self) -> None:
        if self.text.strip():
            self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        self.insert("\n")
