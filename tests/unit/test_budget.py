"""Budgets: when spending is near, over, fine, or cannot be known."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_app.core.budget import SEVERITY, check_budget
from tui_app.core.cost import Cost, summarize
from tui_app.core.events import TurnCompleted, TurnStarted, Usage, UsageReported
from tui_app.core.usage_ledger import UsageLedger


def spent(micros: int, unknown: bool = False) -> Cost:
    return Cost(micros, "micros", unknown, entries=1 if micros else 0, unknown_turns=int(unknown))


def test_no_budget_is_always_fine() -> None:
    assert check_budget(spent(10**9), spent(10**9), None, None, 0.8).level == "ok"


def test_near_then_over_for_the_session() -> None:
    assert check_budget(spent(790_000), spent(790_000), 1_000_000, None, 0.8).level == "ok"
    near = check_budget(spent(800_000), spent(800_000), 1_000_000, None, 0.8)
    assert (near.level, near.scope) == ("near", "session")
    assert near.sentence("Session 1") == "Session 1 has spent $0.80: nearly reached its budget of $1.00."
    over = check_budget(spent(1_000_000), spent(1_000_000), 1_000_000, None, 0.8)
    assert over.level == "over"
    assert over.sentence("Session 1") == "Session 1 has spent $1.00: reached its budget of $1.00."


def test_the_overall_budget_wins_when_it_is_worse() -> None:
    check = check_budget(spent(100), spent(2_500_000), 1_000_000, 2_000_000, 0.8)
    assert (check.level, check.scope, check.limit) == ("over", "overall", 2_000_000)
    assert check.sentence("S") == "All sessions have spent $2.50: reached the overall budget of $2.00."


def test_a_turn_without_a_price_makes_the_budget_unknown_not_ok_at_zero() -> None:
    # The bug of issue 13: an unpriced turn showed "unknown" in the sidebar but counted as $0
    # toward the budget, so the check said "ok".
    ledger = (
        UsageLedger()
        .record_event("s1", TurnStarted("t1"), "micros")
        .record_event("s1", UsageReported("t1", Usage("m", 10, 5, None, None)), "micros")
        .record_event("s1", TurnCompleted("t1", "completed"), "micros")
    )
    costs = summarize(ledger)
    check = check_budget(costs.session("s1", "micros").cost, costs.overall.get("micros"), 1_000_000, None, 0.8)
    assert check.level == "unknown"
    assert check.unknown
    assert check.sentence("Paris") == (
        "Paris has spent at least $0.00; some of its cost is unknown, so its budget of $1.00 may be reached."
    )


def test_a_partly_unknown_cost_is_worded_as_at_least() -> None:
    check = check_budget(spent(1_200), spent(1_200, unknown=True), None, 1_000_000, 0.8)
    assert (check.level, check.scope) == ("unknown", "overall")
    assert check.sentence("S") == (
        "All sessions have spent at least $0.0012; some of their cost is unknown, so the overall budget of $1.00 may be reached."
    )
    over = check_budget(spent(1_000_000, unknown=True), spent(0), 1_000_000, None, 0.8)
    assert over.level == "over"
    assert over.sentence("S") == "S has spent at least $1.00: reached its budget of $1.00."


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.integers(1, 10**7), st.floats(0.01, 1), st.booleans())
def test_spending_more_never_lowers_the_level(amount: int, extra: int, limit: int, ratio: float, unknown: bool) -> None:
    before = check_budget(spent(amount), spent(amount), limit, None, ratio).level
    after = check_budget(spent(amount + extra, unknown), spent(amount + extra, unknown), limit, None, ratio).level
    assert SEVERITY[after] >= SEVERITY[before]
    if unknown:
        assert after != "ok"  # an unknown part is never read as nothing
