"""The cockpit's chart of spend over time (textual-plotext): a line per costly session, their sum,
and the budgets as flat lines. It only draws the `SpendChart` it is given (`core/spend_series.py`);
amounts become dollars here, for the drawing, and the axis labels are formatted exactly."""

from __future__ import annotations

from textual_plotext import Plot, PlotextPlot

from tui_app.core.money import MICROS_PER_DOLLAR, format_micros
from tui_app.core.sanitize import strip_control
from tui_app.core.spend_series import SpendChart

LABEL_WIDTH = 14
BUDGET_IN_VIEW = 4
"""A budget more than this many times what was spent is named, not drawn: drawn, it would
squash every line flat at the bottom of the chart."""
TICKS = 4
SESSION_COLORS = ("blue+", "green+", "magenta+", "gray+", "white")
TOTAL_COLOR = "cyan+"
BUDGET_COLORS = {"budget": "red", "per session": "orange"}
"""Fixed colours: plotext's own sequence would give a session the budget's red."""
EMPTY_SCALE = 10_000
"""With nothing spent, the axis goes to a cent: an axis of a few micro-dollars reads as noise."""


def _dollars(values: tuple[int, ...]) -> list[float]:
    return [value / MICROS_PER_DOLLAR for value in values]


def legend_label(title: str) -> str:
    # Titles are the user's or the service's text, and the widget reads plotext's output as ANSI:
    # no control character (an escape sequence) may reach it. Never markup either.
    title = strip_control(title).replace("\n", " ")
    return title if len(title) <= LABEL_WIDTH else title[: LABEL_WIDTH - 1] + "…"


def _span_words(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"last {minutes} min" if minutes > 1 else "last minute"


def budgets_of(chart: SpendChart) -> list[tuple[str, int, bool]]:
    """Each budget set: its name, its amount, and whether it is drawn (not far above the lines)."""
    top = max(chart.total.points, default=0)
    named = (("budget", chart.overall_budget), ("per session", chart.session_budget))
    return [(name, budget, budget <= max(top, 1) * BUDGET_IN_VIEW) for name, budget in named if budget is not None]


def chart_title(chart: SpendChart) -> str:
    """What the chart shows, and the budgets too far above to draw (the legend names the others)."""
    words = [f"Dollars spent, {_span_words(-chart.moments[0])}" + (": nothing yet" if chart.empty else "")]
    words += [f"{name} {format_micros(budget)} far above" for name, budget, drawn in budgets_of(chart) if not drawn]
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
        for line, color in zip(chart.sessions, SESSION_COLORS, strict=False):
            plt.plot(minutes, _dollars(line.points), label=legend_label(line.label), marker="braille", color=color)
        if len(chart.sessions) > 1:
            plt.plot(minutes, _dollars(chart.total.points), label="all sessions", marker="braille", color=TOTAL_COLOR)
        drawn = [(name, budget) for name, budget, shown in budgets_of(chart) if shown]
        for name, budget in drawn:
            # A flat line with a label (not `hline`): the legend says which line is which budget.
            flat = [budget / MICROS_PER_DOLLAR] * len(minutes)
            plt.plot(minutes, flat, label=f"{name} {format_micros(budget)}", marker="braille", color=BUDGET_COLORS[name])
        money_axis(plt, max([top, *(budget for _, budget in drawn)]) if top else EMPTY_SCALE)
        plt.xlim(minutes[0], 0)
        plt.title(chart_title(chart))
        plt.xlabel("minutes, now at the right")
        self.refresh()
