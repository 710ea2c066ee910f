"""Spending by day across every session: a bar chart of the dollars and the table behind it, the
same report as `tui-app usage` (`workspace/usage_report.py`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label
from textual_plotext import PlotextPlot

from tui_app.core.money import MICROS_PER_DOLLAR
from tui_app.workspace.usage_report import UsageReport, UsageRow

COLUMNS = (("Day", False), ("Cost", True), ("Turns", True), ("Unpriced", True), ("Sessions", True))


def _cell(value: str, right: bool = False) -> Text:
    # Text, not str: DataTable reads a str cell as markup.
    return Text(value, justify="right" if right else "left")


def chart_days(report: UsageReport) -> tuple[list[str], list[float]]:
    """The days with dollars spent (MM-DD) and what was known of them, in dollars: the chart's
    bars only (floats are fine for a drawing; every figure shown in words is exact)."""
    rows = [row for row in report.rows if row.unit == "micros"]
    return [row.key[5:] for row in rows], [row.known / MICROS_PER_DOLLAR for row in rows]


class UsageScreen(ModalScreen[None]):
    """What every session spent, day by day; credits (Stewrd) in the table, apart from dollars."""

    CSS_PATH = "usage_screen.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, report: UsageReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical(id="usage-dialog") as dialog:
            dialog.border_title = "Usage by day · every session"
            yield PlotextPlot(id="usage-chart")
            table: DataTable[Text] = DataTable(id="usage-table", cursor_type="row", zebra_stripes=True)
            for label, right in COLUMNS:
                table.add_column(_cell(label, right))
            yield table
            yield Label(id="usage-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        days, dollars = chart_days(self.report)
        chart = self.query_one(PlotextPlot)
        chart.display = bool(days)
        plt = chart.plt
        if days:
            # Narrow bars when there are few days: one bar across the whole chart reads badly.
            plt.bar(days, dollars, marker="hd", width=min(0.8, 0.2 * len(days)))
            plt.xlim(0.5, len(days) + 0.5)  # the bars sit at 1..n: a single day is then not the whole width
            plt.title("Dollars spent per day")
        table = self.query_one(DataTable)
        for row in self.report.rows:
            table.add_row(*self._cells(row, row.label))
        for total in self.report.totals:
            table.add_row(*self._cells(total, "Total" + (" (credits)" if total.unit == "credits" else "")))
        self.query_one("#usage-note", Label).update(self._note())

    @staticmethod
    def _cells(row: UsageRow, label: str) -> list[Text]:
        values = (label, row.cost_text, str(row.turns), str(row.unknown_turns or ""), str(row.sessions))
        return [_cell(value, right) for value, (_, right) in zip(values, COLUMNS, strict=True)]

    def _note(self) -> str:
        if not self.report.rows:
            return "No spending recorded yet."
        unpriced = sum(total.unknown_turns for total in self.report.totals)
        if unpriced:
            return f"{unpriced} turn{'s' if unpriced != 1 else ''} had no price: counted apart, not as $0."
        return "Every turn has a price. `tui-app usage` prints this report (and by session, model or backend)."

    def action_close(self) -> None:
        self.dismiss()
