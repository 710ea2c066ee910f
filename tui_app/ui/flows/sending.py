"""Sending from the composer: sent at once when the session can take it, queued while the agent
replies (shown above the composer, editable until sent), confirmed first past a budget; a failed
send puts its text back in an empty composer (nothing typed is ever lost). A session that failed
to start is started again by F5, or by sending (the message then waits for it)."""

from __future__ import annotations

from textual.app import App
from textual.markup import escape

from tui_app.ui.flows.attachment_flow import AttachmentFlow
from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.widgets.composer import Composer, TakenBack
from tui_app.ui.widgets.queued_messages import QueuedMessages
from tui_app.workspace.changes import RosterChange, SessionChange
from tui_app.workspace.connecting import is_open
from tui_app.workspace.draft_codec import QueuedMessage
from tui_app.workspace.send_queue import QueueChange, SendQueue
from tui_app.workspace.sends import Attachments, Send
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.session_start import can_retry_start, retry_start
from tui_app.workspace.workspace import Workspace

CLOSED = ("expired", "ended")


class SendFlow:
    def __init__(self, app: App[None], workspace: Workspace, composer: Composer) -> None:
        self.app = app
        self.workspace = workspace
        self.composer = composer
        self.queue = SendQueue(workspace)
        self.queued = QueuedMessages()
        if composer.parent is not None:
            composer.parent.mount(self.queued, before=composer)
        composer.queue = _OnScreenQueue(self)
        self.attaching = AttachmentFlow(app, workspace, composer)
        self._retrying: set[str] = set()
        # Enter pressed while the app was still connecting (its first screen comes before the
        # server): the composer's message goes once the first session is on screen.
        self._after_connect = False
        self._unsubscribe = [
            workspace.sends.subscribe(on_pump(app, self._finished)),
            self.queue.changes.subscribe(on_pump(app, self._queue_changed)),
            workspace.changes.subscribe(on_pump(app, self._session_changed)),
            workspace.roster.subscribe(on_pump(app, self._roster)),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.queue.detach()
        self.attaching.detach()

    def submit(self, text: str, attachments: tuple[str, ...] = ()) -> None:
        session = self.workspace.current
        if session is None and not is_open(self.workspace):
            self._after_connect = True
            self.app.notify("Connecting… your message stays in the composer and is sent once the session is ready.")
            return
        if session is None or session.state in CLOSED:
            state = session.state if session else "missing"
            self.app.notify(f"Not sent: the session is {state}. Your message stays in the composer.", severity="warning")
            return
        files = self.attaching.read(attachments)
        if files is None:
            return
        if can_retry_start(session):
            self.retry_start(session)  # and the message waits in the queue until it is there
        check = self.workspace.send_needs_confirmation(session)
        if check is None:
            self._accept(session, text, files)
            return

        def confirmed(yes: bool | None) -> None:
            # The session may have moved on while the question was open.
            if yes and session.state not in CLOSED:
                self._accept(session, text, files)

        question = f"{escape(check.sentence(session.title))}\nSend anyway? Your message stays in the composer if not."
        self.app.push_screen(ConfirmScreen(question, yes="Send anyway"), callback=confirmed)

    def _accept(self, session: SessionController, text: str, files: Attachments = ()) -> None:
        composer = self.composer
        if session is self.workspace.current and composer.full_text == text:
            composer.clear()
            composer.pastes.clear()
            composer.show_attachments([], told=True)
            composer.refresh_bindings()
        composer.set_history([*composer.prompts, text])
        self.queue.submit(session, text, files)

    def retry_start(self, session: SessionController) -> None:
        if session.id in self._retrying or not can_retry_start(session):
            return
        self._retrying.add(session.id)
        self.app.notify(f"Starting {session.title} again…", markup=False)

        async def retry() -> None:
            try:
                await retry_start(self.workspace, session)
            finally:
                self._retrying.discard(session.id)

        self.app.run_worker(retry(), group=f"retry-start-{session.id}")

    def _finished(self, send: Send) -> None:
        current = self.workspace.current
        if send.from_queue:
            return  # back in its queue, shown there
        if send.state == "failed" and current is not None and current.id == send.session_id and self.app.screen_stack:
            if not self.composer.text.strip():
                self.composer.text = send.text
                if send.files:
                    self.composer.show_attachments([file.source for file in send.files], told=True)

    def show_current(self) -> None:
        """The queue and the retry key of the session on screen."""
        session = self.workspace.current
        if session is None or not self.app.screen_stack:
            return
        self.queued.show_queue(self.queue.queued(session), self.queue.held(session))
        retry = self._retry_current if can_retry_start(session) else None
        if (retry is None) != (self.composer.retry is None):
            self.composer.retry = retry
            self.composer.refresh_bindings()  # F5 shows in the footer only while it can help

    def _retry_current(self) -> None:
        if self.workspace.current is not None:
            self.retry_start(self.workspace.current)

    def _queue_changed(self, change: QueueChange) -> None:
        current = self.workspace.current
        if current is not None and current.id == change.session_id:
            self.show_current()

    def _session_changed(self, change: SessionChange) -> None:
        if change.session is self.workspace.current:
            self.show_current()

    def _roster(self, change: RosterChange) -> None:
        if change.kind == "current":
            self.show_current()
            if self._after_connect and self.workspace.current is not None:
                self._after_connect = False
                if self.composer.text.strip():
                    self.submit(self.composer.full_text, tuple(self.composer.attachments))


class _OnScreenQueue:
    """The queue of the session on screen, as the composer's Up and Ctrl+K reach it."""

    def __init__(self, flow: SendFlow) -> None:
        self._flow = flow

    def count(self) -> int:
        session = self._flow.workspace.current
        return len(self._flow.queue.queued(session)) if session is not None else 0

    def take_last(self) -> TakenBack | None:
        session = self._flow.workspace.current
        return _taken_back(self._flow.queue.take_last(session) if session is not None else None)

    def remove_last(self) -> TakenBack | None:
        session = self._flow.workspace.current
        return _taken_back(self._flow.queue.remove(session, -1) if session is not None else None)


def _taken_back(message: QueuedMessage | None) -> TakenBack | None:
    """Back in the composer, a queued message's files are chips again (read anew when it goes)."""
    if message is None:
        return None
    return TakenBack(message.text, tuple(file.source for file in message.files))
