"""Rename a session: one field, Enter to keep, Escape to leave it as it was."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Input, Label


class RenameScreen(Dialog[str | None]):
    CSS_PATH = "session_form.tcss"
    BINDINGS = [Binding("escape", "close", "Cancel", id="rename-cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_now = title

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = "Rename session"
            yield Label("New title (Enter keeps it, Escape cancels)")
            yield Input(value=self.title_now, id="rename-title")

    @on(Input.Submitted)
    def _keep(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_close(self) -> None:
        self.dismiss(None)
