"""Waiting questions on screen: the dialog opens for the session on screen; one in the background
rings and notifies (the sidebar marks it either way). The dialog resolves the question's Future;
the workspace does the rest."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from tui_app.core.events import QuestionSettled, TurnCompleted
from tui_app.ui.flows.notice_rules import question_topic
from tui_app.ui.flows.notices import NoticeBoard
from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.questions import WaitingQuestion
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


def dialog_for(workspace: Workspace, waiting: WaitingQuestion) -> QuestionDialog:
    """The dialog that answers `waiting` (from the session on screen, or in place in the inbox)."""
    count = len(workspace.questions.waiting(waiting.session))
    return QuestionDialog(waiting.asked, waiting.session.title, count, waiting.future)


class QuestionFlow:
    def __init__(self, app: App[None], workspace: Workspace, notices: NoticeBoard) -> None:
        self.app = app
        self.workspace = workspace
        self.notices = notices
        self._held: set[WaitingQuestion] = set()
        self._unsubscribe: list[Callable[[], None]] = [
            workspace.questions.asked.subscribe(on_pump(app, self._asked)),
            workspace.changes.subscribe(on_pump(app, self._changed)),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    def hold(self, waiting: WaitingQuestion) -> None:
        """The user went to the session to read first (the inbox's jump): its dialog opens only
        when asked for (`offer(asked=True)`, the answer key), not as the session comes on screen."""
        self._held = {w for w in self._held if w in self.workspace.questions.waiting()} | {waiting}

    def offer(self, session: SessionController, asked: bool = False) -> None:
        """Open the dialog for the session's oldest waiting question, unless one is open."""
        waiting = self.workspace.questions.next_open(session)
        if waiting is None or not self.app.screen_stack or isinstance(self.app.screen, QuestionDialog):
            return
        if waiting in self._held and not asked:
            return
        self._held.discard(waiting)
        self.app.push_screen(dialog_for(self.workspace, waiting), callback=lambda _reply: self.app.refresh_bindings())

    def _asked(self, waiting: WaitingQuestion) -> None:
        if not self.app.screen_stack:
            return
        session = waiting.session
        if session is self.workspace.current:
            self.offer(session)
            return
        # Never silent: a background session that waits for an answer says so (the sidebar marks
        # it even when the bell and notifications are turned off).
        settings = self.workspace.settings
        if settings.bell:
            self.app.bell()
        if settings.notifications:
            # One per session, withdrawn once you switch to it (`NoticeRules`).
            self.notices.show(
                f"{session.title} asks a question; switch to it to answer. Its turn waits.",
                title="Question",
                severity="warning",
                markup=False,
                topic=question_topic(session),
            )

    def _changed(self, change: SessionChange) -> None:
        if not self.app.screen_stack or change.session is not self.workspace.current:
            return
        if isinstance(change.event, QuestionSettled | TurnCompleted):
            screen = self.app.screen
            # The question on screen was settled elsewhere (or its turn ended): close it first.
            if isinstance(screen, QuestionDialog) and screen.future is not None and screen.future.cancelled():
                screen.settle()
            self.offer(change.session)
