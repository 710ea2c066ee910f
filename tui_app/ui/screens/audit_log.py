"""The usage audit log of one session: every billable entry of every turn, and what they add up to;
a turn whose usage report never came, marked as such; each turn's completeness marks (what a
resumed feed did or did not bring back); and, once the session has ended, the service's final
cost beside the ledger's total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import DataTable, Label, Static

from tui_app.core import completeness
from tui_app.core.events import UsageEntry
from tui_app.core.cost import format_cost, summarize
from tui_app.core.money import format_money
from tui_app.core.transcript import Turn
from tui_app.core.events import FeedReplayed, TurnCompleted, UsageReported
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.final_cost import reconciliation
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.signal import Signal
from tui_app.ui.widgets.footer import Footer

# (label, key, right-aligned): numbers line up on their last digit. The token columns say only
# "Prompt" and "Completion" so the table fits an 80-column terminal with the demo's model name.
COLUMNS = (
    ("Turn", "turn", True),
    ("Kind", "kind", False),
    ("Service or model", "source", False),
    ("Prompt", "prompt", True),
    ("Completion", "completion", True),
    ("Cost", "cost", True),
)


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One line of the log: an entry of the turn at `number` (1-based, as the conversation counts),
    or None for a turn that ended without any usage report."""

    number: int
    turn_id: str
    entry: UsageEntry | None


NO_REPORT = "no usage report received"


def audit_rows(turns: tuple[Turn, ...]) -> list[AuditRow]:
    """The entries of the latest usage snapshot of every turn that has one, oldest turn first; a
    turn that ended without one has a row saying so (its cost is unknown, not $0)."""
    rows: list[AuditRow] = []
    for number, turn in enumerate(turns, start=1):
        usage = turn.usage
        if usage is None:
            if turn.state != "running":  # a running turn may still report
                rows.append(AuditRow(number, turn.id, None))
            continue
        entries = usage.entries
        if not entries and usage.total_cost_micros is not None:
            # A service without audit entries (Stewrd bills credits per turn) still has a figure
            # for the turn; the ledger books it as one "total" entry, so the log shows it as one.
            total = UsageEntry(
                f"{turn.id}:total",
                "total",
                usage.total_cost_micros,
                model=usage.model,
                prompt_tokens=usage.input_tokens,
                completion_tokens=usage.output_tokens,
            )
            entries = (total,)
        rows.extend(AuditRow(number, turn.id, entry) for entry in entries)
    return rows


def _cell(value: str, right: bool = False) -> Text:
    # Text, not str: DataTable reads a str cell as markup, and names come from the service.
    return Text(value, justify="right" if right else "left")


class AuditLogScreen(Dialog[None]):
    """What one session was billed for, entry by entry, with the turn's and the session's totals."""

    CSS_PATH = "audit_log.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close", id="close-audit-log")]

    def __init__(self, session: SessionController, changes: Signal[SessionChange] | None = None) -> None:
        super().__init__()
        self.session = session
        self._changes = changes
        self._unsubscribe: Callable[[], None] | None = None
        self.unit = session.backend.capabilities.money
        self.rows: list[AuditRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-dialog") as dialog:
            dialog.border_title = f"Usage audit log · {escape(self.session.title)}"
            table: DataTable[Text] = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
            for label, key, right in COLUMNS:
                table.add_column(_cell(label, right), key=key)
            yield table
            yield Static(id="audit-totals")
            yield Static(id="audit-notes")
            yield Label(
                "No usage yet.\n[dim]Each turn's billable entries (the model, its tools) appear here "
                "once the service reports them.[/dim]",
                id="audit-empty",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.show_log()
        if self._changes is not None:
            self._unsubscribe = self._changes.subscribe(lambda change: self.call_later(self._session_changed, change))

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def _session_changed(self, change: SessionChange) -> None:
        # Follow a running turn: each usage report, and its end, adds or settles entries.
        if change.session is self.session and (
            isinstance(change.event, UsageReported | TurnCompleted | FeedReplayed) or change.session.state == "ended"
        ):
            self.show_log()

    def show_log(self) -> None:
        """Show the session's entries as they stand now; call again to follow a running turn."""
        first_fill = not self.rows
        self.rows = audit_rows(self.session.transcript.turns)
        table = self.query_one(DataTable)
        for widget in (table, self.query_one("#audit-totals")):
            widget.display = bool(self.rows)
        self.query_one("#audit-empty").display = not self.rows
        self._show_notes()
        if not self.rows:
            return
        cursor = table.cursor_row
        table.clear()
        for row in self.rows:
            entry = row.entry
            if entry is None:
                missing = ("—", NO_REPORT, "—", "—", format_money(None, self.unit))
                table.add_row(_cell(str(row.number), right=True), *(_cell(v, right=i > 1) for i, v in enumerate(missing)))
                continue
            table.add_row(
                _cell(str(row.number), right=True),
                _cell(entry.kind),
                _cell(entry.model or entry.service or "—"),
                _cell(f"{entry.prompt_tokens:,}", right=True),
                _cell(f"{entry.completion_tokens:,}", right=True),
                _cell(format_money(entry.cost_micros, self.unit), right=True),
            )
        if first_fill:
            # The latest turn is what the user most likely came to check: start on its first entry.
            cursor = next(i for i, row in enumerate(self.rows) if row.turn_id == self.rows[-1].turn_id)
        table.move_cursor(row=min(cursor, len(self.rows) - 1), animate=False)
        self._show_totals(table.cursor_row)
        table.focus()

    @on(DataTable.RowHighlighted, "#audit-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_totals(event.cursor_row)

    def _show_totals(self, index: int) -> None:
        """The totals of the highlighted entry's turn, and of the whole session, from the ledger."""
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        costs = summarize(self.session.book.ledger)
        turn = costs.turn(self.session.id, row.turn_id)
        llm = format_money(turn.llm if turn else None, self.unit)
        entries = format_cost(turn.cost) if turn else format_money(None, self.unit)
        session_total = escape(format_cost(costs.session(self.session.id, self.unit).cost))
        label = f"Turn {row.number}"
        self.query_one("#audit-totals", Static).update(
            f"[b]{label:<9}[/b]direct LLM [b]{llm}[/b]  ·  all entries [b]{entries}[/b]\n"
            f"[b]{'Session':<9}[/b][b $accent]{session_total}[/]"
        )

    def _show_notes(self) -> None:
        """Each turn's completeness marks, and the end-of-session reconciliation, a line each."""
        numbers = {turn.id: number for number, turn in enumerate(self.session.transcript.turns, start=1)}
        lines = [
            f"Turn {numbers.get(turn_id, '?')}: {text}"
            for turn_id, texts in completeness.marks(self.session.transcript.messages).items()
            for text in texts
        ]
        ended = reconciliation(self.session)
        if ended is not None:
            lines += [f"Service's final cost: {ended.service_text()}", f"Ledger's total: {ended.ledger_text()}"]
            lines.append(f"Difference: {ended.difference_text()}")
        notes = self.query_one("#audit-notes", Static)
        notes.display = bool(lines)
        notes.update(Text("\n".join(lines)))

    def action_close(self) -> None:
        self.dismiss(None)
