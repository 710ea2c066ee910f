"""Messages written while the agent replies: queued (as Claude Code and OpenCode do) rather than
refused, and sent one by one, in order, each once the session can take a message again.

Until it is sent a queued message is a draft: it can be taken back to edit or removed, and it
survives a switch and a restart (kept with the session's draft, `Drafts.set_queued`), with the
files it takes along as they were read when it was queued (`QueuedMessage.files`). After a
restart the queue goes on once the session is back on its service. A queued message the
service refuses goes back to the head of the queue, which then holds until the user sends
again: retrying on its own would fail the same way, over and over.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_app.workspace.changes import SessionChange
from tui_app.workspace.draft_codec import QueuedMessage
from tui_app.workspace.sends import Attachments, Send
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.signal import Signal
from tui_app.workspace.workspace import Workspace

TAKES_MESSAGES = ("ready", "idle")


@dataclass(frozen=True, slots=True)
class QueueChange:
    session_id: str
    queued: tuple[QueuedMessage, ...]
    held: bool


class SendQueue:
    """The composer's sends, through the workspace: now when the session can take them, queued
    when it cannot yet. `changes` announces each session's queue as it changes."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.changes: Signal[QueueChange] = Signal("send_queue.changes")
        self._sending: dict[str, Send] = {}
        """Per session, the composer's send in flight: nothing more goes until it is over."""
        self._held: set[str] = set()
        self._unsubscribe = [
            workspace.changes.subscribe(self._session_changed),
            workspace.sends.subscribe(self._send_over),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    def queued(self, session: SessionController) -> tuple[QueuedMessage, ...]:
        return self.workspace.drafts.queued(session)

    def held(self, session: SessionController) -> bool:
        return session.id in self._held

    def can_send_now(self, session: SessionController) -> bool:
        return session.state in TAKES_MESSAGES and session.id not in self._sending and not self.queued(session)

    def submit(self, session: SessionController, text: str, files: Attachments = ()) -> bool:
        """Send `text` (and `files`, read by the caller) now if `session` can take it, else queue
        it. True if it was queued."""
        self._held.discard(session.id)  # the user is sending again: a held queue goes on
        if self.can_send_now(session):
            self._start(session, text, queued=False, files=files)
            return False
        self._set(session, (*self.queued(session), QueuedMessage(text, files)))
        self._drain(session)
        return True

    def take_last(self, session: SessionController) -> QueuedMessage | None:
        """The last queued message, out of the queue (to edit it in the composer)."""
        queued = self.queued(session)
        if not queued:
            return None
        self._set(session, queued[:-1])
        return queued[-1]

    def remove(self, session: SessionController, index: int) -> QueuedMessage | None:
        """Drop the queued message at `index` (negative counts from the end); returns it."""
        queued = list(self.queued(session))
        try:
            removed = queued.pop(index)
        except IndexError:
            return None
        self._set(session, tuple(queued))
        return removed

    def _set(self, session: SessionController, queued: tuple[QueuedMessage, ...]) -> None:
        self.workspace.drafts.set_queued(session, queued)
        if not queued:
            self._held.discard(session.id)
        self.changes.publish(QueueChange(session.id, queued, session.id in self._held))

    def _start(self, session: SessionController, text: str, queued: bool, files: Attachments = ()) -> None:
        send = self.workspace.start_send(session, text, files)
        self._sending[session.id] = send
        send.from_queue = queued

    def _drain(self, session: SessionController) -> None:
        queued = self.queued(session)
        if not queued or session.id in self._held or session.id in self._sending:
            return
        if session.state not in TAKES_MESSAGES or session.id not in self.workspace.sessions:
            return
        self._set(session, queued[1:])
        self._start(session, queued[0].text, queued=True, files=queued[0].files)

    def _session_changed(self, change: SessionChange) -> None:
        self._drain(change.session)

    def _send_over(self, send: Send) -> None:
        session = self.workspace.sessions.get(send.session_id)
        if self._sending.get(send.session_id) is send:
            del self._sending[send.session_id]
        if session is None:
            return
        if send.from_queue and send.state == "failed":
            self._held.add(session.id)
            self._set(session, (QueuedMessage(send.text, send.files), *self.queued(session)))
            return
        self._drain(session)
