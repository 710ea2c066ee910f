"""The cockpit's chart of spend over time (textual-plotext): a line per costly session, their sum,
and the budgets as flat lines. It only draws the `SpendChart` it is given (`core/spend_series.py`);
amounts become dollars here, for the drawing, and the axis labels are formatted exactly."""

from __future__ import annotations

from textual_plotext import Plot, PlotextPlot

from tui_app.core.money import MICROS_PER_DOLLAR, format_micros
from tui_app.core.spend_series import SpendChart

LABEL_WIDTH = 14
BUDGET_IN_VIEW = 4
"""A budget more than this many times what was spent is named, not drawn: drawn, it would
squash every line flat at the bottom of the chart."""
TICKS = 4


def _dollars(values: tuple[int, ...]) -> list[float]:
    return [value / MICROS_PER_DOLLAR for value in values]


def _label(title: str) -> str:
    # Titles are the user's or the service's text: plotext draws them as they are, never as markup.
    return title if len(title) <= LABEL_WIDTH else title[: LABEL_WIDTH - 1] + "…"


def _span_words(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"last {minutes} min" if minutes > 1 else "last minute"


def chart_title(chart: SpendChart) -> str:
    """What the chart shows, and the budgets it draws (or only names, when far above)."""
    top = max(chart.total.points, default=0)
    words = [f"Dollars spent, {_span_words(-chart.moments[0])}"]
    for name, budget in (("budget", chart.overall_budget), ("per session", chart.session_budget)):
        if budget is not None:
            above = top * BUDGET_IN_VIEW < budget
            words.append(f"{name} {format_micros(budget)}" + (" (far above)" if above else ""))
    if chart.left_out_credits:
        words.append("credits apart")
    return " · ".join(words)


def tick_step(highest: int) -> int:
    """A round step (1, 2 or 5 times a power of ten, in micro-dollars) whose ticks reach past
    `highest`, so the axis reads $0.002, $0.004, ... rather than $0.001425."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if factor * power * (TICKS - 1) > highest:
                return factor * power
        power *= 10


def money_axis(plt: Plot, highest: int) -> None:
    """A y axis from $0 past `highest` micro-dollars, its ticks round and formatted exactly."""
    step = tick_step(max(highest, 1))
    ticks = [step * i for i in range(TICKS)]
    plt.ylim(0, ticks[-1] / MICROS_PER_DOLLAR)
    plt.yticks([tick / MICROS_PER_DOLLAR for tick in ticks], [format_micros(tick) for tick in ticks])


class SpendChartPlot(PlotextPlot):
    """Draws a `SpendChart`; redraws only when the chart changed."""

    chart: SpendChart | None = None

    def show(self, chart: SpendChart) -> None:
        if chart == self.chart:
            return
        self.chart = chart
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        minutes = [moment / 60 for moment in chart.moments]
        top = max(chart.total.points, default=0)
        for line in chart.sessions:
            plt.plot(minutes, _dollars(line.points), label=_label(line.label), marker="braille")
        if len(chart.sessions) > 1:
            plt.plot(minutes, _dollars(chart.total.points), label="all sessions", marker="braille")
        budgets = [(b, color) for b, color in ((chart.overall_budget, "red"), (chart.session_budget, "orange")) if b]
        drawn = [(budget, color) for budget, color in budgets if budget <= max(top, 1) * BUDGET_IN_VIEW]
        for budget, color in drawn:
            plt.hline(budget / MICROS_PER_DOLLAR, color)
        money_axis(plt, max([top, *(budget for budget, _ in drawn), 1]))
        plt.xlim(minutes[0], 0)
        plt.title(chart_title(chart))
        plt.xlabel("minutes, now at the right")
        self.refresh()
