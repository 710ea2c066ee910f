"""Spending against the user's budgets: pure arithmetic on integer micro-dollars."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_app.core.money import format_micros

Level = Literal["ok", "near", "over"]
Scope = Literal["session", "overall"]
_SEVERITY: dict[Level, int] = {"ok": 0, "near": 1, "over": 2}


@dataclass(frozen=True, slots=True)
class BudgetCheck:
    level: Level
    scope: Scope | None = None
    spent: int = 0
    limit: int | None = None

    def sentence(self, session_title: str) -> str:
        if self.level == "ok" or self.limit is None:
            return ""
        whose = f"{session_title} has" if self.scope == "session" else "All sessions have"
        what = "its" if self.scope == "session" else "the overall"
        verb = "reached" if self.level == "over" else "nearly reached"
        return f"{whose} spent {format_micros(self.spent)}: {verb} {what} budget of {format_micros(self.limit)}."


def check_budget(
    session_spent: int,
    overall_spent: int,
    session_limit: int | None,
    overall_limit: int | None,
    warn_ratio: float,
) -> BudgetCheck:
    """The most severe of the session and overall budgets; `over` once spending reaches a limit
    (so the next send is the one that would go past it)."""
    worst = BudgetCheck("ok")
    for scope, spent, limit in (("session", session_spent, session_limit), ("overall", overall_spent, overall_limit)):
        if limit is None:
            continue
        level: Level = "over" if spent >= limit else "near" if spent >= limit * warn_ratio else "ok"
        if _SEVERITY[level] > _SEVERITY[worst.level]:
            worst = BudgetCheck(level, scope, spent, limit)  # type: ignore[arg-type]
    return worst
