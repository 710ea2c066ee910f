"""Spending by day across every session: a bar chart of the dollars and the table behind it, the
same report as `tui-app usage` (`workspace/usage_report.py`). Given a `LiveUsage`, it follows the
sessions as they stream, redrawn at most every `REDRAW_SECONDS` however fast the usage comes."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import DataTable, Label
from textual_plotext import PlotextPlot

from tui_app.core.money import MICROS_PER_DOLLAR
from tui_app.ui.widgets.spend_chart_plot import money_axis
from tui_app.workspace.usage_live import LiveUsage
from tui_app.workspace.usage_report import UsageReport, UsageRow
from tui_app.ui.widgets.footer import Footer

REDRAW_SECONDS = 0.5
"""At most two redraws a second: the figures move with each usage report of every session."""
COLUMNS = (("Day", False), ("Cost", True), ("Turns", True), ("Unpriced", True), ("Sessions", True))


def _cell(value: str, right: bool = False) -> Text:
    # Text, not str: DataTable reads a str cell as markup.
    return Text(value, justify="right" if right else "left")


def chart_days(report: UsageReport) -> tuple[list[str], list[float]]:
    """The days with dollars spent (MM-DD) and what was known of them, in dollars: the chart's
    bars only (floats are fine for a drawing; every figure shown in words is exact)."""
    rows = [row for row in report.rows if row.unit == "micros"]
    return [row.key[5:] for row in rows], [row.known / MICROS_PER_DOLLAR for row in rows]


class UsageScreen(Dialog[None]):
    """What every session spent, day by day; credits (Stewrd) in the table, apart from dollars."""

    CSS_PATH = "usage_screen.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, source: UsageReport | LiveUsage) -> None:
        super().__init__()
        self.live = source if isinstance(source, LiveUsage) else None
        self.report = source.report() if isinstance(source, LiveUsage) else source
        self.redraws = 0
        """How often the figures were drawn (once on opening, then at most every REDRAW_SECONDS)."""
        self._pending = False
        self._unsubscribe: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="usage-dialog") as dialog:
            dialog.border_title = "Usage by day · every session" + (" · live" if self.live else "")
            yield PlotextPlot(id="usage-chart")
            table: DataTable[Text] = DataTable(id="usage-table", cursor_type="row", zebra_stripes=True)
            for label, right in COLUMNS:
                table.add_column(_cell(label, right))
            yield table
            yield Label(id="usage-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.report)
        if self.live is not None:
            self._unsubscribe = self.live.subscribe(self.stale)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def stale(self) -> None:
        """The figures may have moved: redraw soon, once for every change until then."""
        if not self._pending and self.is_attached:
            self._pending = True
            self.set_timer(REDRAW_SECONDS, self._redraw)

    def _redraw(self) -> None:
        self._pending = False
        if self.live is not None and self.is_attached:
            self.show(self.live.report())

    def show(self, report: UsageReport) -> None:
        self.report = report
        self.redraws += 1
        days, dollars = chart_days(report)
        chart = self.query_one(PlotextPlot)
        chart.display = bool(days)
        plt = chart.plt
        plt.clear_data()
        if days:
            # Narrow bars when there are few days: one bar across the whole chart reads badly.
            plt.bar(days, dollars, marker="hd", width=min(0.8, 0.2 * len(days)))
            plt.xlim(0.5, len(days) + 0.5)  # the bars sit at 1..n: a single day is then not the whole width
            plt.title("Dollars spent per day")
            money_axis(plt, max(row.known for row in report.rows if row.unit == "micros"))
        chart.refresh()
        self.query_one("#usage-dialog").set_class(not report.rows, "-empty")
        table = self.query_one(DataTable)
        table.display = bool(report.rows)
        cursor = table.cursor_row
        table.clear()
        for row in report.rows:
            table.add_row(*self._cells(row, row.label))
        for total in report.totals:
            table.add_row(*self._cells(total, "Total" + (" (credits)" if total.unit == "credits" else "")))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
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
