"""Budgets: when spending is near, over, or fine."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_app.core.budget import check_budget


def test_no_budget_is_always_fine() -> None:
    assert check_budget(10**9, 10**9, None, None, 0.8).level == "ok"


def test_near_then_over_for_the_session() -> None:
    assert check_budget(790_000, 790_000, 1_000_000, None, 0.8).level == "ok"
    near = check_budget(800_000, 800_000, 1_000_000, None, 0.8)
    assert (near.level, near.scope) == ("near", "session")
    assert near.sentence("Session 1") == "Session 1 has spent $0.80: nearly reached its budget of $1.00."
    over = check_budget(1_000_000, 1_000_000, 1_000_000, None, 0.8)
    assert over.level == "over"
    assert over.sentence("Session 1") == "Session 1 has spent $1.00: reached its budget of $1.00."


def test_the_overall_budget_wins_when_it_is_worse() -> None:
    check = check_budget(100, 2_500_000, 1_000_000, 2_000_000, 0.8)
    assert (check.level, check.scope, check.limit) == ("over", "overall", 2_000_000)
    assert check.sentence("S") == "All sessions have spent $2.50: reached the overall budget of $2.00."


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.integers(1, 10**7), st.floats(0.01, 1))
def test_spending_more_never_lowers_the_level(spent: int, extra: int, limit: int, ratio: float) -> None:
    order = {"ok": 0, "near": 1, "over": 2}
    before = check_budget(spent, spent, limit, None, ratio).level
    after = check_budget(spent + extra, spent + extra, limit, None, ratio).level
    assert order[after] >= order[before]
