"""The notifications of this run, newest first, with when each was shown: a toast is gone in
seconds, what it said is not."""

from __future__ import annotations

import time
from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import DataTable, Static

from tui_app.ui.notice_entry import NoticeEntry
from tui_app.ui.widgets.footer import Footer

COLUMNS = ("Time", "Kind", "Notification")
_STYLE = {"information": "green", "warning": "yellow", "error": "red"}
_KIND = {"information": "info", "warning": "warning", "error": "error"}


def _when(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at))


def _said(entry: NoticeEntry) -> Text:
    # Text, never markup: a notification may quote a session title or a service's error.
    text = Text()
    if entry.title:
        text.append(entry.title, style="bold")
        text.append(": ")
    text.append(" ".join(entry.message.split()))
    return text


class NoticeHistoryScreen(Dialog[None]):
    CSS_PATH = "notice_history.tcss"
    BINDINGS = [Binding("escape,q,f3", "close", "Close", id="close-notices")]

    def __init__(self, entries: Sequence[NoticeEntry]) -> None:
        super().__init__()
        self.entries = list(reversed(entries))

    def compose(self) -> ComposeResult:
        with Vertical(id="notices-dialog") as dialog:
            dialog.border_title = "Notifications"
            if not self.entries:
                yield Static("No notifications yet in this run.", id="notices-empty")
            else:
                table: DataTable[Text] = DataTable(id="notices-table", cursor_type="row", zebra_stripes=True)
                table.add_columns(*COLUMNS)
                for entry in self.entries:
                    kind = Text(_KIND[entry.severity], style=_STYLE[entry.severity])
                    table.add_row(Text(_when(entry.at)), kind, _said(entry))
                yield table
                # The row's whole text: a long one is cut in the table at 80 columns.
                yield Static(id="notice-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.focus()
            self._show_detail(0)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            entry = self.entries[row]
            self.query_one("#notice-detail", Static).update(_said(entry))

    def action_close(self) -> None:
        self.dismiss(None)
