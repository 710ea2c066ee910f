"""The inbox of questions: every question waiting in any session, oldest first, with how long it
has waited. Answer it here (the same dialog as on the session's screen), defer it, or jump to its
session to read first (the screen's result: that question; its dialog then waits for the
answer key)."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from tui_app.ui.screens.dialog import Page
from textual.widgets import DataTable, Static

from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.workspace.questions import QuestionReply, WaitingQuestion
from tui_app.workspace.workspace import Workspace
from tui_app.ui.widgets.footer import Footer

COLUMNS = ("Waited", "Session", "Question", "")
TITLE_WIDTH = 24
REFRESH_SECONDS = 1.0
"""The waited times tick in seconds."""


def waited_text(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def question_text(waiting: WaitingQuestion) -> str:
    questions = waiting.asked.questions
    first = questions[0].question if questions else "(no question text)"
    return first + (f" (+{len(questions) - 1} more)" if len(questions) > 1 else "")


def mark_text(waiting: WaitingQuestion) -> str:
    if waiting.answering:
        return "answering…"
    return "deferred" if waiting.deferred else ""


def key_of(waiting: WaitingQuestion) -> str:
    return f"{waiting.session.id}/{waiting.asked.id}"


class InboxScreen(Page[WaitingQuestion | None]):
    CSS_PATH = "inbox.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="inbox-close"),
        Binding("enter", "answer", "Answer", tooltip="Answer the question here", id="inbox-answer", priority=True),
        Binding("d", "defer", "Defer", tooltip="Defer the question (it keeps waiting)", id="inbox-defer"),
        Binding("j", "jump", "Jump", tooltip="Show the question's session to read first", id="inbox-jump"),
    ]

    def __init__(self, workspace: Workspace, dialog_for: Callable[[Workspace, WaitingQuestion], QuestionDialog]) -> None:
        super().__init__()
        self.workspace = workspace
        self._dialog_for = dialog_for
        self._shown: list[WaitingQuestion] = []

    def compose(self) -> ComposeResult:
        yield Static(id="inbox-summary", markup=False)
        table: DataTable[Text] = DataTable(id="inbox-table", cursor_type="row", zebra_stripes=True)
        table.border_title = "Waiting questions, oldest first"
        table.add_columns(*COLUMNS)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Questions"
        self.refresh_rows()
        self.query_one(DataTable).focus()
        self.set_interval(REFRESH_SECONDS, self.refresh_rows)
        # A question asked, settled or deferred anywhere shows at once (on this screen's pump).
        self._unsubscribe = self.workspace.changes.subscribe(lambda _change: self.call_later(self.refresh_rows))

    def on_unmount(self) -> None:
        self._unsubscribe()

    @property
    def shown(self) -> list[WaitingQuestion]:
        """The questions listed, top to bottom."""
        return list(self._shown)

    def refresh_rows(self) -> None:
        if not self.is_attached:
            return  # a change announced as the screen closed
        waiting = self.workspace.questions.waiting()  # oldest first
        table: DataTable[Text] = self.query_one(DataTable)
        now = time.monotonic()
        selected = self.selected
        if waiting == self._shown:
            for item in waiting:
                table.update_cell(key_of(item), table.ordered_columns[0].key, Text(waited_text(now - item.asked_at)))
                table.update_cell(key_of(item), table.ordered_columns[3].key, Text(mark_text(item), style="dim"))
        else:
            table.clear()
            for item in waiting:
                cells = (waited_text(now - item.asked_at), item.session.title, question_text(item), mark_text(item))
                styles = ("", "bold", "", "dim")
                row = [Text(c, style=s) for c, s in zip(cells, styles, strict=True)]
                row[1].truncate(TITLE_WIDTH, overflow="ellipsis")  # the question matters more
                table.add_row(*row, key=key_of(item))
            self._shown = list(waiting)
            if selected in waiting:
                table.move_cursor(row=waiting.index(selected))
        count = len(waiting)
        summary = (
            f"{count} question{'s' if count != 1 else ''} wait."
            " Enter answers here, d defers, j opens its session to read first (^o answers there)."
            if count
            else "No question waits."
        )
        self.query_one("#inbox-summary", Static).update(summary)

    @property
    def selected(self) -> WaitingQuestion | None:
        table = self.query_one(DataTable)
        if not self._shown or table.row_count == 0:
            return None
        return self._shown[min(table.cursor_row, len(self._shown) - 1)]

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_answer()

    def action_answer(self) -> None:
        waiting = self.selected
        if waiting is not None and waiting.open:
            self.app.push_screen(self._dialog_for(self.workspace, waiting), callback=lambda _reply: self.refresh_rows())

    def action_defer(self) -> None:
        waiting = self.selected
        if waiting is not None and waiting.open:
            waiting.future.set_result(QuestionReply("defer"))  # as the dialog's "Later" does

    def action_jump(self) -> None:
        waiting = self.selected
        if waiting is not None:
            self.dismiss(waiting)

    def action_close(self) -> None:
        self.dismiss(None)
