"""Spending against the user's budgets: the cost summaries of `core/cost.py` against limits in
integer micro-dollars.

A cost that is partly unknown is never read as $0: below the warning line it makes the check
say `unknown` (the user cannot be told it is fine), and above it the check still says `near` or
`over`, worded as "at least".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_app.core.cost import Cost
from tui_app.core.money import format_micros

Level = Literal["ok", "unknown", "near", "over"]
Scope = Literal["session", "overall"]
SEVERITY: dict[Level, int] = {"ok": 0, "unknown": 1, "near": 2, "over": 3}
_NOTHING = Cost(0, "micros")


@dataclass(frozen=True, slots=True)
class BudgetCheck:
    """One budget's state (or the worst of several): its level, what was spent, the limit."""

    level: Level
    scope: Scope | None = None
    spent: Cost = _NOTHING
    limit: int | None = None

    @property
    def unknown(self) -> bool:
        """Part of what was spent has no price: `spent.amount` is a floor."""
        return self.spent.unknown

    def sentence(self, session_title: str) -> str:
        if self.level == "ok" or self.limit is None:
            return ""
        session = self.scope == "session"
        whose = f"{session_title} has" if session else "All sessions have"
        what = "its" if session else "the overall"
        spent = format_micros(self.spent.amount)
        if self.level == "unknown":
            return (
                f"{whose} spent at least {spent}; some of {'its' if session else 'their'} cost is unknown, "
                f"so {what} budget of {format_micros(self.limit)} may be reached."
            )
        verb = "reached" if self.level == "over" else "nearly reached"
        amount = f"at least {spent}" if self.unknown else spent
        return f"{whose} spent {amount}: {verb} {what} budget of {format_micros(self.limit)}."


def budget_level(spent: Cost, limit: int, warn_ratio: float) -> Level:
    """`over` once the known spending reaches the limit (so the next send is the one that would
    go past it), `near` past the warning share, else `unknown` if part of it has no price."""
    if spent.unit != "micros":
        raise ValueError("budgets are in micro-dollars; credits cannot be compared with them")
    if spent.amount >= limit:
        return "over"
    if spent.amount >= limit * warn_ratio:
        return "near"
    return "unknown" if spent.unknown else "ok"


def check_budget(
    session: Cost,
    overall: Cost,
    session_limit: int | None,
    overall_limit: int | None,
    warn_ratio: float,
) -> BudgetCheck:
    """The most severe of the session and overall budgets."""
    worst = BudgetCheck("ok")
    for scope, spent, limit in (("session", session, session_limit), ("overall", overall, overall_limit)):
        if limit is None:
            continue
        level = budget_level(spent, limit, warn_ratio)
        if SEVERITY[level] > SEVERITY[worst.level]:
            worst = BudgetCheck(level, scope, spent, limit)  # type: ignore[arg-type]
    return worst
