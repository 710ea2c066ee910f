"""The cockpit's chart of spend over time (F7): drawn from `cockpit_chart`, the budget named and
drawn as a line, `g` gives the table the whole height and back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rich.text import Text

from tests.conftest import connection_to, wait_until
from tui_app.core.cost import summarize
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import Budget, LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.cockpit import CockpitScreen
from tui_app.ui.widgets.spend_chart_plot import SpendChartPlot, chart_title, tick_step
from tui_app.workspace import cockpit
from tui_app.workspace.spend_chart import cockpit_chart


async def test_the_chart_draws_every_sessions_spend_and_the_budget_line(
    server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cockpit, "CLOCK", lambda: 1_000.0)  # the chart's moments hold still
    settings = Settings(budget=Budget(overall_usd=Decimal("0.01"), session_usd=Decimal("0.005")))
    app = TuiApp(connection_to(server), settings=LoadedSettings(settings, Path("/nowhere/config.toml")))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        first = app.current
        assert first is not None
        second = app.new_session("Second")
        await wait_until(pilot, lambda: second.state == "ready")
        await app.workspace.send(first, "hello")
        await app.workspace.send(second, "tell me about the weather")
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        screen = app.screen
        assert isinstance(screen, CockpitScreen)
        plot = screen.query_one(SpendChartPlot)
        await wait_until(pilot, lambda: plot.chart is not None)
        chart = plot.chart
        assert chart is not None
        overall = summarize(app.workspace.book.ledger).overall.get("micros").amount
        assert chart.total.points[-1] == overall > 0
        assert {line.label for line in chart.sessions} == {first.title, "Second"}
        assert (chart.overall_budget, chart.session_budget) == (10_000, 5_000)
        assert chart == cockpit_chart(screen.watch)  # the screen draws the workspace's series only
        drawn = plot.render()
        assert isinstance(drawn, Text)
        assert chart_title(chart) == "Dollars spent, last minute"  # both budgets drawn, named in the legend
        assert chart_title(chart) in drawn.plain
        assert "budget $0.01" in drawn.plain and "per session $0.005" in drawn.plain

        await pilot.press("g")
        await pilot.pause()
        assert not plot.display
        table_alone = screen.query_one("#cockpit-table").size.height
        await pilot.press("g")
        await pilot.pause()
        assert plot.display and screen.query_one("#cockpit-table").size.height < table_alone


def test_the_chart_axis_steps_are_round_and_reach_past_the_highest_line() -> None:
    assert [tick_step(n) for n in (1, 4_276, 6_000, 450_000)] == [1, 2_000, 5_000, 200_000]


def test_a_budget_far_above_the_spending_is_named_not_drawn() -> None:
    from tui_app.core.spend_series import SpendChart, SpendLine

    line = SpendLine("Research", (0, 1_000, 2_000))
    chart = SpendChart((-60.0, -30.0, 0.0), (line,), SpendLine("All sessions", line.points), 3_000, 5_000_000, 1)
    assert chart_title(chart) == "Dollars spent, last minute · budget $5.00 far above · credits apart"


def test_a_title_with_escape_sequences_reaches_the_legend_as_plain_text() -> None:
    from tui_app.ui.widgets.spend_chart_plot import legend_label

    # plotext's output is read as ANSI: a title's own sequences must not get there.
    assert legend_label("a\x1b[31mred\x1b]0;x\x07 ok") == "ared ok"
    assert legend_label("[b]Quarterly figures[/b]") == "[b]Quarterly …"
