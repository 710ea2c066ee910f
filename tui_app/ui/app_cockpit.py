"""The App's part for the cockpit (F7) and the inbox of questions (F6), kept out of ui/app.py.

The bindings are in `ui/app_bindings.py`; `cockpit_places()` are their screens' places in the F1
key list.
"""

from __future__ import annotations

from textual.app import App
from textual.dom import DOMNode

from tui_app.ui.flows.cockpit_flow import CockpitFlow
from tui_app.ui.flows.questions import QuestionFlow
from tui_app.ui.flows.transcript_clicks import TranscriptClicks
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.workspace.workspace import Workspace


def cockpit_places() -> list[tuple[str, type[DOMNode]]]:
    # The screens are imported when first needed (the cockpit's chart brings plotext).
    from tui_app.ui.screens.cockpit import CockpitScreen
    from tui_app.ui.screens.inbox import InboxScreen

    return [("cockpit", CockpitScreen), ("inbox of questions", InboxScreen)]


class CockpitApp(TranscriptClicks, App[None]):  # TranscriptClicks: links and wide code in the transcript
    workspace: Workspace
    _questions: QuestionFlow
    _cockpit: CockpitFlow | None = None

    def _on_mount(self) -> None:
        # Textual calls each class's own mount handler: this runs beside the App's `on_mount`.
        # The App's `on_mount` (first in the MRO) has made the question flow: a jump holds its dialog.
        self._cockpit = CockpitFlow(self, self.workspace, self.query_one(SessionSidebar), self._questions.hold)

    def _on_unmount(self) -> None:
        if self._cockpit is not None:
            self._cockpit.detach()

    def action_cockpit(self) -> None:
        if self._cockpit is not None:
            self._cockpit.toggle_cockpit()

    def action_inbox(self) -> None:
        if self._cockpit is not None:
            self._cockpit.toggle_inbox()
