"""Which notifications the workspace's news brings, and which it makes untrue: a question's
"switch to it" once you did (or it was settled), a budget toast whose figures moved on."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from tui_app.core.events import QuestionSettled, TurnCompleted, UsageReported
from tui_app.ui.flows.notices import NoticeBoard
from tui_app.ui.flows.on_app import on_pump
from tui_app.workspace.changes import Notice, RosterChange, SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

BUDGET_TOPIC = "Budget"
"""The title (and so the topic) of the workspace's budget notices (`workspace/budgets.py`)."""


def question_topic(session: SessionController) -> str:
    return f"question:{session.id}"


class NoticeRules:
    def __init__(self, app: App[None], workspace: Workspace, board: NoticeBoard) -> None:
        self.app = app
        self.workspace = workspace
        self.board = board
        # The session whose change came last: a budget notice follows the change that caused it.
        self._last_changed: SessionController | None = None
        self._budget_session: SessionController | None = None
        self._unsubscribe: list[Callable[[], None]] = [
            workspace.notices.subscribe(on_pump(app, self._notice)),
            workspace.changes.subscribe(on_pump(app, self._changed)),
            workspace.roster.subscribe(self._roster),  # published from the App's own calls
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    def _notice(self, notice: Notice) -> None:
        if not self.app.screen_stack:
            return
        self.board.show(notice.message, title=notice.title, severity=notice.severity, timeout=notice.timeout, markup=False)
        if notice.title == BUDGET_TOPIC:
            self._budget_session = self._last_changed

    def _roster(self, change: RosterChange) -> None:
        if change.kind == "current":
            self.board.withdraw(question_topic(change.session))  # "switch to it to answer": done
        elif change.kind == "removed":
            self.board.withdraw(question_topic(change.session))

    def _changed(self, change: SessionChange) -> None:
        session = change.session
        self._last_changed = session
        if isinstance(change.event, QuestionSettled | TurnCompleted) and not self.workspace.questions.waiting(session):
            self.board.withdraw(question_topic(session))  # nothing waits for an answer any more
        if isinstance(change.event, UsageReported | TurnCompleted) and self.board.showing(BUDGET_TOPIC):
            self._budget_moved()

    def _budget_moved(self) -> None:
        """The budget toast says what was spent: keep its figures those of now, or take it away
        once spending is back under the warning line (a raised budget)."""
        session = self._budget_session or self.workspace.current
        if session is None:
            return
        check = self.workspace.budgets.check(session)
        sentence = check.sentence(session.title)
        if not sentence:
            self.board.withdraw(BUDGET_TOPIC)
            return
        over = check.level == "over"
        # The same words as the workspace's notice (`BudgetRules.warning`), with today's figures.
        message = self.workspace.budgets.words(session, check)
        self.board.replace_text(BUDGET_TOPIC, message, "error" if over else "warning")
