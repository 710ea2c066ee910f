"""The messages queued behind the running turn, shown just above the composer until each is
sent, with the keys that take one back or remove it. Hidden while nothing is queued."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui_app.ui.widgets.quiet_update import update_quietly
from tui_app.workspace.draft_codec import QueuedMessage

PREVIEW_LINES = 4


class QueuedMessages(Static):
    DEFAULT_CSS = """
    QueuedMessages {
        display: none;
        height: auto;
        max-height: 6;
        padding: 0 1;
        color: $text-muted;
        border-left: thick $accent;
    }
    QueuedMessages.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(markup=False, id="queued-messages")

    def show_queue(self, queued: tuple[QueuedMessage, ...], held: bool) -> None:
        self.set_class(bool(queued), "-shown")
        if not queued:
            update_quietly(self, "")  # (redrawn per token while a turn streams)
            return
        head = "Held: a queued send failed, Enter goes on" if held else "Queued"
        text = Text(head, style="bold")
        text.append(" · ↑ edit · Ctrl+K remove", style="dim")
        # The agent's service gets the text as written: only this preview is shortened.
        shown = queued[-PREVIEW_LINES:]
        if len(queued) > len(shown):
            text.append(f"\n… and {len(queued) - len(shown)} earlier", style="dim")
        for number, message in enumerate(shown, start=len(queued) - len(shown) + 1):
            first, *rest = message.text.splitlines() or [""]
            text.append(f"\n{number}. ", style="bold")
            text.append(first)
            if rest:
                text.append(f" (+{len(rest)} line{'s' if len(rest) > 1 else ''})", style="dim")
            if message.files:
                text.append(" + " + ", ".join(file.name for file in message.files), style="dim")
        update_quietly(self, text)
