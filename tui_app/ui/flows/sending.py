"""Sending from the composer: refused while the session cannot take it, confirmed first past a
budget; a failed send puts its text back in an empty composer (nothing typed is ever lost)."""

from __future__ import annotations

from textual.app import App
from textual.markup import escape

from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.workspace.sends import Send
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


class SendFlow:
    def __init__(self, app: App[None], workspace: Workspace, composer: Composer) -> None:
        self.app = app
        self.workspace = workspace
        self.composer = composer
        self._unsubscribe = workspace.sends.subscribe(on_pump(app, self._finished))

    def detach(self) -> None:
        self._unsubscribe()

    def submit(self, text: str) -> None:
        session = self.workspace.current
        if session is None or session.state not in ("ready", "idle"):
            state = session.state if session else "missing"
            self.app.notify(f"Not sent: the session is {state}. Your message stays in the composer.", severity="warning")
            return
        check = self.workspace.send_needs_confirmation(session)
        if check is None:
            self._accept(session, text)
            return

        def confirmed(yes: bool | None) -> None:
            # The session may have moved on while the question was open.
            if yes and session.state in ("ready", "idle"):
                self._accept(session, text)

        question = f"{escape(check.sentence(session.title))}\nSend anyway? Your message stays in the composer if not."
        self.app.push_screen(ConfirmScreen(question, yes="Send anyway"), callback=confirmed)

    def _accept(self, session: SessionController, text: str) -> None:
        composer = self.composer
        if session is self.workspace.current and composer.text == text:
            composer.clear()
        composer.set_history([*composer.prompts, text])
        self.workspace.start_send(session, text)

    def _finished(self, send: Send) -> None:
        current = self.workspace.current
        if send.state == "failed" and current is not None and current.id == send.session_id and self.app.screen_stack:
            if not self.composer.text.strip():
                self.composer.text = send.text
