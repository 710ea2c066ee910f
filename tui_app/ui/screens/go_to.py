"""Ctrl+G then a digit: the session switch that works in every terminal (Alt+digit does not
reach the app everywhere: tmux and xterm send it as ESC and the digit)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Static


class GoToScreen(Dialog[int | None]):
    """Waits for one digit: 1-9 picks that session; anything else (Escape) goes back."""

    DEFAULT_CSS = """
    GoToScreen {
        align: center bottom;
        background: transparent;
    }
    #go-to-prompt {
        width: auto;
        height: 1;
        padding: 0 2;
        margin-bottom: 7;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Back", id="go-to-back")]

    def __init__(self, sessions: int) -> None:
        super().__init__()
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        last = min(self.sessions, 9)
        choice = "1" if last <= 1 else f"1-{last}"
        yield Static(f"Go to session: press {choice} (Esc: stay)", id="go-to-prompt", markup=False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        key = event.key
        self.dismiss(int(key) if len(key) == 1 and key in "123456789" else None)
