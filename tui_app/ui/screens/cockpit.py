"""The cockpit: every session on one screen, live. It only shows the figures `SpendWatch` works
out (`workspace/cockpit.py`); Enter shows the highlighted session (the screen's result)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from tui_app.ui.screens.dialog import Page
from textual.widgets import DataTable, Label, Sparkline, Static

from tui_app.core.cost import Cost, format_cost
from tui_app.core.money import format_money
from tui_app.core.usage_ledger import MoneyUnit
from tui_app.ui.widgets.session_row import state_text
from tui_app.ui.widgets.spend_chart_plot import SpendChartPlot
from tui_app.workspace.cockpit import CockpitRow, CockpitTotals, SortKey, SpendWatch, sort_rows
from tui_app.workspace.spend_chart import cockpit_chart
from tui_app.ui.widgets.footer import Footer

COLUMNS = ("Session", "State", "Asks", "Turn", "Cost", "Per min", "Tok/s", "Budget", "Backend · model")
TITLE_WIDTH = 16
REFRESH_SECONDS = 0.5
"""Often enough to watch a turn's cost grow, rarely enough to cost nothing."""
CHART_SECONDS = 2.0
"""The chart slides with time: building it costs ~25 ms (plotext, 6 lines at 120x18, loaded
machine), so it is redrawn less often than the figures."""
SORT_NAMES: dict[SortKey, str] = {"cost": "cost", "rate": "spend rate", "activity": "latest activity"}
"""The table's title says the order: highest (or latest) first."""


def row_cells(row: CockpitRow) -> list[Text]:
    """A row in words; every cell is text, never markup (titles and models are the service's)."""
    session = row.session
    state = state_text(session) + (" ↻" if session.status.reconnecting else "")
    if row.turn_cost is not None:
        turn = format_cost(row.turn_cost) + (" ▸" if row.turn_running else "")
    else:
        turn = "…" if row.turn_running else "–"
    rate = "–" if row.rate is None else format_money(row.rate, row.unit)
    speed = "–" if row.tokens_per_second is None else f"{row.tokens_per_second:.1f}"
    share = "–" if row.budget_share is None else f"{row.budget_share:.0%}"
    waits = f"?{row.waiting}" if row.waiting else ""
    model = f"{row.backend} · {row.model}" if row.model else row.backend
    cells = [session.title, state, waits, turn, format_cost(row.session_cost), rate, speed, share, model]
    styles = ["bold", "", "bold", "green" if row.turn_running else "", "bold", "", "", _share_style(row.budget_share), "dim"]
    texts = [Text(cell, style=style) for cell, style in zip(cells, styles, strict=True)]
    texts[0].truncate(TITLE_WIDTH, overflow="ellipsis")  # the figures matter more at 80 columns
    return texts


def _share_style(share: float | None) -> str:
    if share is None:
        return "dim"
    return "bold red" if share >= 1 else "yellow" if share >= 0.8 else ""


def _in(costs: Mapping[MoneyUnit, Cost], unit: MoneyUnit) -> str:
    return format_cost(costs.get(unit) or Cost(0, unit))


def totals_text(totals: CockpitTotals, waiting: int) -> str:
    """Dollars on one line, credits (Stewrd) on their own: the two never add."""
    lines = [
        f"Today {_in(totals.today, 'micros')} · this week {_in(totals.week, 'micros')}"
        f" · all sessions {format_cost(totals.overall.get('micros'))}"
    ]
    if "credits" in totals.overall.by_unit:
        lines.append(
            f"Credits: today {_in(totals.today, 'credits')} · this week {_in(totals.week, 'credits')}"
            f" · all sessions {format_cost(totals.overall.get('credits'))}"
        )
    if waiting:
        lines.append(f"? {waiting} question{'s wait' if waiting != 1 else ' waits'} on you (F6: inbox)")
    return "\n".join(lines)


class CockpitScreen(Page[str | None]):
    CSS_PATH = "cockpit.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="cockpit-close"),
        # Priority, so the footer shows it over the table's own (hidden) Enter.
        Binding("enter", "switch", "Switch", tooltip="Show the session", id="cockpit-switch", priority=True),
        Binding("c", "sort('cost')", "Cost", tooltip="Sort by cost", id="cockpit-sort-cost"),
        Binding("r", "sort('rate')", "Rate", tooltip="Sort by spend rate", id="cockpit-sort-rate"),
        Binding("a", "sort('activity')", "Recent", tooltip="Sort by latest activity", id="cockpit-sort-activity"),
        Binding("g", "toggle_chart", "Chart", tooltip="Show or hide the chart of spend over time", id="cockpit-chart"),
    ]

    def __init__(self, watch: SpendWatch) -> None:
        super().__init__()
        self.watch = watch
        self.sort_key: SortKey = "activity"

    def compose(self) -> ComposeResult:
        yield Static(id="cockpit-totals", markup=False)
        table: DataTable[Text] = DataTable(id="cockpit-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield SpendChartPlot(id="cockpit-chart")
        with Horizontal(id="cockpit-spark-row"):
            yield Label(id="cockpit-spark-label", markup=False)
            yield Sparkline([], id="cockpit-spark")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Cockpit"
        self.refresh_figures()
        self.query_one(DataTable).focus()
        self.set_interval(REFRESH_SECONDS, self.refresh_figures)
        self.draw_chart()
        self.set_interval(CHART_SECONDS, self.draw_chart)

    @property
    def shown_ids(self) -> list[str]:
        """The sessions' ids, top to bottom, as shown now."""
        table = self.query_one(DataTable)
        return [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]

    def refresh_figures(self) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        table.border_title = f"Sessions, by {SORT_NAMES[self.sort_key]}"
        rows = sort_rows(self.watch.rows(), self.sort_key)
        ids = [row.session.id for row in rows]
        if ids == self.shown_ids:
            for row in rows:
                for column, cell in zip(table.columns, row_cells(row), strict=True):
                    table.update_cell(row.session.id, column, cell)
        else:
            highlighted = self._highlighted()
            table.clear()
            for row in rows:
                table.add_row(*row_cells(row), key=row.session.id)
            if highlighted in ids:
                table.move_cursor(row=ids.index(highlighted))
        waiting = len(self.watch.workspace.questions.waiting())
        self.query_one("#cockpit-totals", Static).update(totals_text(self.watch.totals(), waiting))
        self._show_sparkline()

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)

    def _show_sparkline(self) -> None:
        session = self.watch.workspace.sessions.get(self._highlighted() or "")
        label = self.query_one("#cockpit-spark-label", Label)
        spark = self.query_one(Sparkline)
        if session is None:
            label.update("")
            spark.data = []
            return
        label.update(f"{session.title}: its cost over time ")
        spark.data = [float(value) for value in self.watch.sparkline(session)]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_sparkline()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_switch(self) -> None:
        self.dismiss(self._highlighted())

    def action_sort(self, key: SortKey) -> None:
        self.sort_key = key
        self.refresh_figures()

    def draw_chart(self) -> None:
        chart = self.query_one(SpendChartPlot)
        if chart.display:
            chart.show(cockpit_chart(self.watch))

    def action_toggle_chart(self) -> None:
        """The table gets the whole height (many sessions on a small terminal), or shares it."""
        chart = self.query_one(SpendChartPlot)
        chart.display = not chart.display
        self.set_class(not chart.display, "-no-chart")
        self.draw_chart()

    def action_close(self) -> None:
        self.dismiss(None)
