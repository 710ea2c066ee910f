"""The cockpit's chart of spend over time: cumulative micro-dollars per session and in total at
evenly spaced moments, budgets as lines, credits never on the dollar axis."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tests.conftest import connection_to
from tui_app.core.cost import summarize
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.core.spend_rate import Sample, SpendHistory
from tui_app.core.spend_series import MAX_SESSIONS, ChartedSession, chart_span, spend_chart
from tui_app.settings.user_settings import Budget, Settings
from tui_app.workspace.cockpit import SpendWatch
from tui_app.workspace.spend_chart import cockpit_chart
from tui_app.workspace.workspace import Workspace


def history(*points: tuple[float, int]) -> SpendHistory:
    first, *rest = points
    kept = SpendHistory(Sample(first[0], first[1], 0))
    for at, spent in rest:
        kept.add(Sample(at, spent, spent))
    return kept


def test_each_session_and_the_total_are_exact_cumulative_micro_dollars() -> None:
    research = ChartedSession("Research", "micros", history((0, 0), (30, 1_234), (90, 5_001)))
    review = ChartedSession("Review", "micros", history((60, 0), (100, 777)))
    chart = spend_chart([review, research], now=120, points=5, session_budget=6_000, overall_budget=10_000)
    # Two minutes since the first sample, five moments 30 s apart, the last one now.
    assert chart.moments == (-120.0, -90.0, -60.0, -30.0, 0.0)
    assert [line.label for line in chart.sessions] == ["Research", "Review"]  # costliest first
    assert chart.sessions[0].points == (0, 1_234, 1_234, 5_001, 5_001)
    assert chart.sessions[1].points == (0, 0, 0, 0, 777)  # before it was seen: its first sample
    assert chart.total.points == (0, 1_234, 1_234, 5_001, 5_778)
    assert all(isinstance(value, int) for value in chart.total.points)
    assert (chart.session_budget, chart.overall_budget, chart.empty) == (6_000, 10_000, False)


def test_credits_never_share_the_dollar_axis() -> None:
    dollars = ChartedSession("Dollars", "micros", history((0, 0), (30, 2_000)))
    credits = ChartedSession("Stewrd", "credits", history((0, 0), (30, 40)))
    chart = spend_chart([dollars, credits], now=60, points=3)
    assert [line.label for line in chart.sessions] == ["Dollars"]
    assert chart.total.points == (0, 2_000, 2_000)
    assert chart.left_out_credits == 1
    only_credits = spend_chart([credits], now=60, points=3)
    assert only_credits.empty and only_credits.total.points == (0, 0, 0) and only_credits.sessions == ()


def test_the_span_is_at_least_a_minute_and_at_most_an_hour() -> None:
    assert chart_span([history((100, 0))], now=110) == 60.0
    assert chart_span([history((100, 0)), history((0, 0))], now=1_000) == 1_000.0
    assert chart_span([history((0, 0))], now=10_000) == 3_600.0
    assert chart_span([], now=5) == 60.0


def test_only_the_costliest_sessions_get_a_line_but_the_total_counts_them_all() -> None:
    sessions = [ChartedSession(f"S{i}", "micros", history((0, 0), (10, 100 * i))) for i in range(1, 9)]
    chart = spend_chart(sessions, now=60, points=2)
    assert [line.label for line in chart.sessions] == [f"S{i}" for i in range(8, 8 - MAX_SESSIONS, -1)]
    assert chart.total.points == (0, sum(100 * i for i in range(1, 9)))


async def test_the_cockpit_chart_follows_the_ledger_and_the_budget(workspace: Workspace) -> None:
    class Clock:
        now = 1_000.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    watch = SpendWatch(workspace, clock)
    first = await workspace.open_session("First")
    second = await workspace.open_session("Second")
    watch.rows()  # both seen at $0
    clock.now += 60
    await workspace.send(first, "hello")
    clock.now += 60
    await workspace.send(second, "a much longer message " * 10)
    clock.now += 60
    workspace.settings = replace(workspace.settings, budget=Budget(overall_usd=Decimal("0.5")))
    chart = cockpit_chart(watch, points=4)
    costs = summarize(workspace.book.ledger)
    spent = {s.title: costs.session(s.id, "micros").cost.amount for s in (first, second)}
    assert chart.moments == (-180.0, -120.0, -60.0, 0.0)
    lines = {line.label: line.points for line in chart.sessions}
    assert lines["First"] == (0, spent["First"], spent["First"], spent["First"])
    assert lines["Second"] == (0, 0, spent["Second"], spent["Second"])
    assert chart.total.points[-1] == costs.overall.get("micros").amount
    assert chart.overall_budget == 500_000 and chart.session_budget is None
    watch.detach()



async def test_a_stewrd_session_in_credits_stays_off_the_cockpits_dollar_chart(
    own_server: EmbeddedServer, store: Store
) -> None:
    from tui_app.backends.connection import Connection
    from tui_app.settings.backend_choice import ApiKey

    stewrd = Connection("stewrd", own_server.base_url, ApiKey(own_server.api_key))
    opened = Workspace([connection_to(own_server), stewrd], store, Settings())
    opened.start()
    try:
        watch = SpendWatch(opened, lambda: 1_000.0)
        dollars = await opened.open_session("Dollars")
        credits = await opened.open_session("Credits", backend="stewrd")
        await opened.send(dollars, "hello")
        await opened.send(credits, "hello in credits")
        costs = summarize(opened.book.ledger)
        assert costs.session(credits.id, "credits").cost.amount > 0  # it did spend, in credits
        chart = cockpit_chart(watch, points=3)
        assert [line.label for line in chart.sessions] == ["Dollars"]
        assert chart.total.points[-1] == costs.session(dollars.id, "micros").cost.amount
        assert chart.left_out_credits == 1
        watch.detach()
    finally:
        await opened.aclose()
