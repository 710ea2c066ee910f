"""The cockpit's rows follow the ledger while sessions stream on the embedded server (over
HTTP): the same costs as the usage panel's, and the rate and totals drawn from them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tests.unit.test_workspace_questions import asking
from tui_app.core.cost import summarize
from tui_app.core.events import UsageReported
from tui_app.settings.user_settings import Budget
from tui_app.workspace.cockpit import SpendWatch, sort_rows
from tui_app.workspace.workspace import Workspace


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_rows_show_the_ledgers_costs_and_the_rate_they_grew_at(workspace: Workspace) -> None:
    clock = Clock()
    watch = SpendWatch(workspace, clock)
    cheap = await workspace.open_session("Cheap")
    dear = await workspace.open_session("Dear")
    watch.rows()  # both sampled at $0
    clock.now += 30
    await workspace.send(cheap, "hi")
    await workspace.send(dear, "a much longer message " * 20)
    await workspace.send(dear, "and another")
    clock.now += 30
    rows = {row.session.title: row for row in watch.rows()}
    costs = summarize(workspace.book.ledger)
    for row in rows.values():
        assert row.session_cost == costs.session(row.session.id, "micros").cost  # the panel's figure
        assert row.turn_cost == costs.turn(row.session.id, row.session.transcript.last_turn.id).cost  # type: ignore[union-attr]
        assert row.state == "ready" and row.model == "demo/tui-app-demo-1" and row.waiting == 0
    # Spent within the last minute of their lives: the rate per minute is what they spent.
    assert rows["Dear"].rate == rows["Dear"].session_cost.amount > rows["Cheap"].rate == rows["Cheap"].session_cost.amount
    assert [r.session.title for r in sort_rows(list(rows.values()), "cost")] == ["Dear", "Cheap"]
    assert [r.session.title for r in sort_rows(list(rows.values()), "rate")] == ["Dear", "Cheap"]
    totals = watch.totals()
    both = rows["Dear"].session_cost.amount + rows["Cheap"].session_cost.amount
    assert totals.today["micros"].amount == totals.week["micros"].amount == totals.overall.get("micros").amount == both
    watch.detach()


async def test_a_waiting_question_and_the_budget_share_are_in_the_row(workspace: Workspace) -> None:
    watch = SpendWatch(workspace, Clock())
    paid = await workspace.open_session("Paid")
    await workspace.send(paid, "hello")
    spent = summarize(workspace.book.ledger).session(paid.id, "micros").cost.amount
    limit = Decimal(spent * 4) / 1_000_000
    workspace.settings = replace(workspace.settings, budget=Budget(session_usd=limit))
    session, turn = await asking(workspace, "Asks")
    rows = {row.session.title: row for row in watch.rows()}
    assert rows["Paid"].budget_share == 0.25
    assert rows["Asks"].waiting == 1 and rows["Asks"].state == "asking" and rows["Asks"].turn_running
    turn.cancel()
    watch.detach()


async def test_a_streaming_session_is_sampled_at_most_once_a_second_and_at_its_turns_end(workspace: Workspace) -> None:
    """Summing the ledger per usage report cost ten streaming sessions a tenth of a core: the
    reports of one second make one sample, and the turn's end its own."""
    clock = Clock()
    watch = SpendWatch(workspace, clock)
    session = await workspace.open_session("Talks")
    reports = 0

    def heard(change: object) -> None:
        nonlocal reports
        reports += isinstance(getattr(change, "event", None), UsageReported)

    workspace.changes.subscribe(heard)
    await workspace.send(session, "a much longer message " * 20)  # the clock stands still meanwhile
    assert reports > 2
    samples = watch.history(session).samples
    assert len(samples) <= 3  # the first (at $0), at most one report, the turn's end
    assert samples[-1].spent == summarize(workspace.book.ledger).session(session.id, "micros").cost.amount
    watch.detach()
