"""The cockpit and the inbox of questions: opened from anywhere, fed by the workspace.

`SpendWatch` samples costs from the start (a rate needs the minutes before the cockpit opened);
the sidebar's title counts the questions waiting in every session. A session chosen in either
screen is shown the way the sidebar shows one (`SessionSidebar.Chosen`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.flows.questions import dialog_for
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.cockpit import SpendWatch
from tui_app.workspace.questions import WaitingQuestion
from tui_app.workspace.workspace import Workspace


class CockpitFlow:
    def __init__(
        self, app: App[None], workspace: Workspace, sidebar: SessionSidebar, hold: Callable[[WaitingQuestion], None]
    ) -> None:
        self.app = app
        self._hold = hold
        self.workspace = workspace
        self.sidebar = sidebar
        self.watch = SpendWatch(workspace)
        self._shown = 0
        self._post_count: Callable[[object], None] = on_pump(app, lambda _value: self._count())
        self._unsubscribe: list[Callable[[], None]] = [
            self.watch.detach,
            workspace.changes.subscribe(self._changed),
            workspace.roster.subscribe(self._post_count),
            workspace.questions.asked.subscribe(self._post_count),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    def _changed(self, change: SessionChange) -> None:
        # Every streamed token is a change: only a change of the count reaches the screen.
        if len(self.workspace.questions.waiting()) != self._shown:
            self._post_count(change)

    def _count(self) -> None:
        self._shown = len(self.workspace.questions.waiting())
        if self.sidebar.is_attached:
            self.sidebar.show_waiting(self._shown)

    def toggle_cockpit(self) -> None:
        """Open the cockpit; its own key closes it."""
        from tui_app.ui.screens.cockpit import CockpitScreen  # (with plotext: when first opened)

        if isinstance(self.app.screen, CockpitScreen):
            self.app.screen.dismiss(None)
        else:
            self.app.push_screen(CockpitScreen(self.watch), callback=self._chosen)

    def toggle_inbox(self) -> None:
        from tui_app.ui.screens.inbox import InboxScreen

        if isinstance(self.app.screen, InboxScreen):
            self.app.screen.dismiss(None)
        else:
            self.app.push_screen(InboxScreen(self.workspace, dialog_for), callback=self._jumped)

    def _jumped(self, waiting: WaitingQuestion | None) -> None:
        """To the question's session, to read first: the question keeps waiting (the sidebar
        counts it, the session's row marks it) and its dialog opens on the answer key."""
        if waiting is not None:
            self._hold(waiting)
            self._chosen(waiting.session.id)

    def _chosen(self, session_id: str | None) -> None:
        if session_id is None:
            return
        from tui_app.ui.screens.cockpit import CockpitScreen
        from tui_app.ui.screens.inbox import InboxScreen

        # Back to the main screen (the inbox may be over the cockpit), then the switch.
        while isinstance(self.app.screen, CockpitScreen | InboxScreen):
            self.app.pop_screen()
        self.app.post_message(SessionSidebar.Chosen(session_id))
