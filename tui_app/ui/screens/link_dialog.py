"""Asking before a link from the transcript is opened: the address is the agent's, so it is
shown first, whole and literally (markup off), and opened only on a yes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui_app.ui.screens.dialog import Dialog


class LinkDialog(Dialog[bool]):
    """"Open this link?" with the address; True to open it."""

    CSS_PATH = ["confirm.tcss", "link_dialog.tcss"]
    BINDINGS = [
        Binding("y", "answer(True)", "Open", id="link-open"),
        Binding("n,escape", "answer(False)", "Cancel", id="link-cancel"),
    ]

    def __init__(self, url: str, opener: str | None) -> None:
        super().__init__()
        self.url = url
        self.opener = opener

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static("Open this link from the agent's reply?", id="confirm-question")
            yield Static(self.url, markup=False, id="link-url")
            if self.opener is None:
                yield Static("No program to open links was found (xdg-open).", markup=False, id="link-no-opener")
            with Horizontal(id="confirm-buttons"):
                yield Button("Open  y", variant="warning", id="yes", disabled=self.opener is None)
                yield Button("Cancel  n", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe answer has the focus

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes and self.opener is not None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
