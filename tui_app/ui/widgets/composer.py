"""The multi-line composer: Enter sends, Ctrl+J (or Shift+Enter where the terminal tells) adds a line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea


class Composer(TextArea):
    """Where the user writes. Its text is only cleared once a send was accepted."""

    BINDINGS = [
        Binding("enter", "send", "Send", id="send"),
        Binding("ctrl+j,shift+enter", "newline", "New line", id="newline"),
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
        self.prompts: list[str] = []
        """Earlier prompts of the session on screen, oldest first (Up recalls them)."""
        self._recalled: int | None = None
        self._send_keys = {"enter"}
        self._newline_keys = {"ctrl+j", "shift+enter"}

    def remap(self, keymap: Mapping[str, str]) -> None:
        """Take the user's keys for sending and new lines (bindings `send` and `newline`).

        TextArea turns Enter into a newline before any binding sees it, so these two keys are
        handled in `_on_key`, and the app's keymap has to be told to the widget."""
        def keys(binding_id: str, default: set[str]) -> set[str]:
            spec = keymap.get(binding_id)
            return {part.strip() for part in spec.split(",")} if spec else default

        self._send_keys = keys("send", {"enter"})
        self._newline_keys = keys("newline", {"ctrl+j", "shift+enter"})

    async def _on_key(self, event: events.Key) -> None:
        if event.key in ("up", "down") and self._recall(-1 if event.key == "up" else 1):
            event.stop()
            event.prevent_default()
            return
        if event.key in self._send_keys:
            event.stop()
            event.prevent_default()
            self.action_send()
        elif event.key in self._newline_keys:
            event.stop()
            event.prevent_default()
            self.action_newline()
        else:
            await super()._on_key(event)

    def set_history(self, prompts: list[str]) -> None:
        self.prompts = prompts
        self._recalled = None

    def _recall(self, step: int) -> bool:
        """Up on an empty composer (or while recalling) shows an earlier prompt; Down a later one.
        Returns False when the key should move the cursor as usual."""
        recalled, history = self._recalled, self.prompts
        if not history or (recalled is None and (self.text or step > 0)):
            return False
        if recalled is not None and self.text != history[recalled]:
            return False  # edited since: arrows move the cursor again
        index = len(history) if recalled is None else recalled
        index += step
        if index < 0:
            return True
        if index >= len(history):
            self._recalled = None
            self.text = ""
            return True
        self._recalled = index
        self.text = history[index]
        self.move_cursor(self.document.end)
        return True

    def action_send(self) -> None:
        if self.text.strip():
            self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        self.insert("\n")
