"""Budget rules: warn once per level as spending grows; past "over", a send asks first."""

from __future__ import annotations

from collections.abc import Callable

from tui_app.core.budget import BudgetCheck, check_budget
from tui_app.core.cost import Cost, summarize
from tui_app.settings.user_settings import Budget
from tui_app.workspace.changes import Notice
from tui_app.workspace.session_controller import LedgerBook, SessionController


class BudgetRules:
    """Reads the budget from the settings each time, so a change in the settings applies at once."""

    def __init__(self, book: LedgerBook, budget: Callable[[], Budget]) -> None:
        self._book = book
        self._budget = budget
        self._levels: dict[str, str] = {}

    def check(self, session: SessionController) -> BudgetCheck:
        """Dollars only: credits (Stewrd) are not money the budget can compare."""
        budget = self._budget()
        costs = summarize(self._book.ledger)
        dollars = session.backend.capabilities.money == "micros"
        return check_budget(
            costs.session(session.id, "micros").cost if dollars else Cost(0, "micros"),
            costs.overall.get("micros"),
            budget.session_micros,
            budget.overall_micros,
            budget.warn_ratio,
        )

    def needs_confirmation(self, session: SessionController) -> BudgetCheck | None:
        """The check to show when a send to `session` must be confirmed first, else None."""
        check = self.check(session)
        return check if check.level == "over" else None

    def warning(self, session: SessionController) -> Notice | None:
        """A notice the first time spending reaches a new level, not at every usage report."""
        check = self.check(session)
        key = session.id if check.scope == "session" else "overall"
        if check.level == "ok" or self._levels.get(key) == check.level:
            return None
        self._levels[key] = check.level
        over = check.level == "over"
        return Notice(
            "Budget",
            check.sentence(session.title) + (" The next send asks first." if over else ""),
            "error" if over else "warning",
            timeout=15,
        )
