"""The marker that says new output arrived below while the user reads above."""

from __future__ import annotations

from textual import events
from textual.message import Message as TextualMessage
from textual.widgets import Static

NEW_OUTPUT = "↓ new output — click or Ctrl+End to jump"


class NewOutputMarker(Static):
    """Shown while the user reads above and new output arrives; a click jumps down."""

    class Clicked(TextualMessage):
        pass

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked())
