"""The new-session form: title, backend and model, each with a default that needs no typing."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Button, Input, Label, Select


@dataclass(frozen=True, slots=True)
class NewSessionRequest:
    title: str
    backend: str
    model: str | None


class NewSessionScreen(Dialog[NewSessionRequest | None]):
    """Enter starts the session with what is shown; Escape starts nothing."""

    CSS_PATH = "session_form.tcss"
    BINDINGS = [Binding("escape", "close", "Cancel", id="new-session-cancel")]

    def __init__(self, default_title: str, backends: list[str], backend: str, model: str | None) -> None:
        super().__init__()
        self.default_title = default_title
        self.backends = backends
        self.backend = backend
        self.model = model

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = "New session"
            yield Label("Title")
            yield Input(placeholder=self.default_title, id="new-title")
            yield Label("Backend")
            yield Select(
                [(name, name) for name in self.backends], value=self.backend, allow_blank=False, id="new-backend"
            )
            yield Label("Model")
            yield Input(value=self.model or "", placeholder="the service's default", id="new-model")
            with Horizontal(id="form-buttons"):
                yield Button("Start  ⏎", variant="primary", id="start")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#new-title", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        title = self.query_one("#new-title", Input).value.strip() or self.default_title
        model = self.query_one("#new-model", Input).value.strip() or None
        backend = self.query_one("#new-backend", Select).value
        self.dismiss(NewSessionRequest(title, str(backend), model))

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
