"""Every key of the app in one table, with the id that `[keys]` in config.toml remaps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import DataTable, Static

from tui_app.ui.keymap import BindingInfo, conflicts
from tui_app.ui.widgets.footer import Footer

COLUMNS = ("Keys", "Does", "Id", "Where")
REMAP_EXAMPLE = ("new-session", "ctrl+n,f11")
"""The remap the note shows: F12 is bound to nothing, so copying it takes no key from another."""


def _key_text(keys: str, remapped: bool, clashing: bool = False) -> Text:
    shown = ", ".join(part.strip() for part in keys.split(","))
    return Text(shown + (" *" if remapped else "") + (" !" if clashing else ""), style="bold")


class HelpScreen(Dialog[None]):
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
            clashes = conflicts(self.bindings)
            clashing = {info.id for clash in clashes for info in (clash.remapped, clash.other)}
            for info in self.bindings:
                keys = _key_text(info.keys, info.remapped, info.id in clashing)
                table.add_row(keys, Text(info.description), Text(info.id, style="dim"), Text(info.where))
            yield table
            if clashes:
                # The user's key names and our descriptions: text, not markup.
                said = "\n".join(f"! {clash.sentence()}" for clash in clashes)
                yield Static(f"[keys] conflicts:\n{said}", id="help-conflicts", markup=False)
            binding_id, keys = REMAP_EXAMPLE
            yield Static(
                "Switch sessions with Alt+1…9 (tmux and xterm send it as Esc then the digit, which works"
                " too) or Ctrl+G then the digit. Ctrl+P opens the command palette: every action is there too.\n"
                f"Remap a key in [b]{escape(self.config_file)}[/b], e.g. [b]\\[keys][/b] [i]\"{binding_id}\" = \"{keys}\"[/i]"
                " (* marks a remapped key, ! a key given twice).",
                id="help-note",
                markup=True,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
