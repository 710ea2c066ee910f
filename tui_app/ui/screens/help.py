"""Every key of the app in one table, with the id that `[keys]` in config.toml remaps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from tui_app.ui.keymap import BindingInfo

COLUMNS = ("Keys", "Does", "Id", "Where")


def _key_text(keys: str, remapped: bool) -> Text:
    shown = ", ".join(part.strip() for part in keys.split(","))
    return Text(shown + (" *" if remapped else ""), style="bold")


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,f1", "close", "Close", id="close-help")]

    def __init__(self, bindings: list[BindingInfo], config_file: str) -> None:
        super().__init__()
        self.bindings = bindings
        self.config_file = config_file

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            for info in self.bindings:
                table.add_row(
                    _key_text(info.keys, info.remapped), Text(info.description), Text(info.id, style="dim"), Text(info.where)
                )
            yield table
            yield Static(
                "Ctrl+P opens the command palette: every action is there too.\n"
                f"Remap a key in [b]{escape(self.config_file)}[/b], e.g. [b]\\[keys][/b] [i]\"new-session\" = \"ctrl+n,f2\"[/i]"
                " (* marks a remapped key).",
                id="help-note",
                markup=True,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
