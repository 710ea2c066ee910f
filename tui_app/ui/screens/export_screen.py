"""Export the session on screen: a format and a file name, both filled in; Enter writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Button, Input, Label, Select


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: str
    path: Path


class ExportScreen(Dialog[ExportRequest | None]):
    CSS_PATH = "session_form.tcss"
    BINDINGS = [Binding("escape", "close", "Cancel", id="export-cancel")]

    def __init__(self, title: str, directory: Path, names: dict[str, str]) -> None:
        super().__init__()
        self.session_title = title
        self.directory = directory
        self.names = names
        """A suggested file name per format."""

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = f"Export {escape(self.session_title)}"  # a border title is markup
            yield Label("Format")
            yield Select(
                [("Markdown: readable, with each turn's cost", "md"), ("JSON: everything, with usage entries", "json")],
                value="md",
                allow_blank=False,
                id="export-format",
            )
            yield Label("File")
            yield Input(str(self.directory / self.names["md"]), id="export-path")
            with Horizontal(id="form-buttons"):
                yield Button("Export  ⏎", variant="primary", id="export")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        # Follow the format in the suggested name, unless the user typed a name of their own.
        path = self.query_one("#export-path", Input)
        if Path(path.value).name in self.names.values():
            path.value = str(Path(path.value).with_name(self.names[str(event.value)]))

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def _export(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if value:
            fmt = str(self.query_one("#export-format", Select).value)
            self.dismiss(ExportRequest(fmt, Path(value).expanduser()))

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
