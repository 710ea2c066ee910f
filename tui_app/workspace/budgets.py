"""Budget rules: warn once per level as spending grows; past "over", a send asks first; and a
budget set to stop (`on_limit = "stop"`) cancels the running turn once its live cost crosses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from tui_app.core.budget import BudgetCheck, check_budget
from tui_app.core.cost import Cost, summarize
from tui_app.core.events import PartUpdated
from tui_app.settings.user_settings import Budget
from tui_app.workspace.changes import Notice
from tui_app.workspace.signal import Signal
from tui_app.workspace.session_controller import LedgerBook, SessionController


STOP_PART_KIND = "notice"
"""The kind of the part that says, in the turn's reply, that the budget stopped the turn."""


class Canceller(Protocol):
    """What the rules need of the workspace to stop a turn (not the Workspace itself: it owns them)."""

    notices: Signal[Notice]

    def can_cancel(self, session: SessionController | None) -> bool: ...

    def cancel(self, session: SessionController) -> None: ...


class BudgetRules:
    """Reads the budget from the settings each time, so a change in the settings applies at once."""

    def __init__(self, book: LedgerBook, budget: Callable[[], Budget]) -> None:
        self._book = book
        self._budget = budget
        self._levels: dict[str, str] = {}
        self._stopped: set[tuple[str, str]] = set()

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
        return Notice("Budget", self.words(session, check), "error" if over else "warning", timeout=15)

    def words(self, session: SessionController, check: BudgetCheck) -> str:
        """What a budget notice says of `check` (and the toast, as the figures move on)."""
        if check.level != "over":
            return check.sentence(session.title)
        turns = session.transcript.turns
        stopped = bool(turns) and (session.id, turns[-1].id) in self._stopped  # its latest turn, not an old one
        return check.sentence(session.title) + (
            " The running turn was stopped; the next send asks first." if stopped else " The next send asks first."
        )

    def enforce(self, session: SessionController, workspace: Canceller) -> None:
        """After a usage report or a turn's end: stop the running turn if its budget says so and
        it is over; otherwise warn at a new level."""
        budget = self._budget()
        if budget.session_micros is None and budget.overall_micros is None:
            return  # no budget, nothing to check: not a sum of the whole ledger per usage report
        turn_id = self._stoppable_turn(session, workspace)
        if turn_id is None:
            if (notice := self.warning(session)) is not None:
                workspace.notices.publish(notice)
            return
        check = self.check(session)
        self._stopped.add((session.id, turn_id))
        self._levels[session.id if check.scope == "session" else "overall"] = check.level
        workspace.cancel(session)
        line = f"Stopped by the budget: {check.sentence('This session')} The turn was cancelled; what it cost so far is recorded."
        self._note_in_reply(session, turn_id, line)
        workspace.notices.publish(Notice("Budget", self.words(session, check), "error", timeout=15))

    def _stoppable_turn(self, session: SessionController, workspace: Canceller) -> str | None:
        """The running turn to stop, when the budget stops at its limit and the limit is reached."""
        if self._budget().on_limit != "stop" or not workspace.can_cancel(session):
            return None
        # The latest running turn, found from the end: this runs at every usage report.
        running = next((turn.id for turn in reversed(session.transcript.turns) if turn.state == "running"), None)
        if running is None or (session.id, running) in self._stopped:
            return None
        return running if self.check(session).level == "over" else None

    @staticmethod
    def _note_in_reply(session: SessionController, turn_id: str, text: str) -> None:
        """A line at the end of the turn's reply, stored with it, so a restart and the export say
        why the turn stopped too."""
        replies = [m.id for m in session.transcript.messages if m.turn_id == turn_id and m.role == "assistant"]
        if replies:
            session.note(PartUpdated(turn_id, replies[-1], f"budget-stop-{turn_id}", STOP_PART_KIND, text=text))
