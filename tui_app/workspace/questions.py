"""The questions agents wait on, across every session, oldest first.

A waiting question carries a Future the dialog resolves with a `QuestionReply` (Toad's
`RequestPermission.result_future`); the workspace awaits it and does the network part. A reply
that leaves the question waiting (defer, or an answer the service refused) arms a fresh Future,
so the question can be offered again. A question settled elsewhere (another client answered, the
turn ended) leaves the queue and its Future is cancelled: an open dialog for it closes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tui_app.core import question_notes
from tui_app.core.transcript import AskedQuestion
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.signal import Signal


@dataclass(frozen=True, slots=True)
class QuestionReply:
    action: Literal["answer", "defer", "cancel"]
    answers: tuple[tuple[str, ...], ...] = ()


@dataclass(eq=False)
class WaitingQuestion:
    """One question an agent waits on; `future` is resolved by whoever shows it."""

    session: SessionController
    asked: AskedQuestion
    future: asyncio.Future[QuestionReply] = field(repr=False)
    answering: bool = False
    """An answer is on its way to the service: do not offer the question meanwhile."""
    asked_at: float = field(default_factory=time.monotonic)
    """When it came (or was restored): the inbox says how long it has waited."""
    deferred: bool = False

    @property
    def open(self) -> bool:
        """It can be offered: not being answered, and its Future not yet resolved."""
        return not self.answering and not self.future.done()


class QuestionQueue:
    """Every waiting question; `asked` announces each new one."""

    def __init__(self, on_reply: Callable[[WaitingQuestion, QuestionReply], None]) -> None:
        self._waiting: list[WaitingQuestion] = []
        self._on_reply = on_reply
        self.asked: Signal[WaitingQuestion] = Signal("questions.asked")

    def sync(self, session: SessionController) -> None:
        """Match the queue to what `session`'s transcript says is pending."""
        pending = {asked.id: asked for asked in session.transcript.pending_questions}
        for waiting in [w for w in self._waiting if w.session is session and w.asked.id not in pending]:
            self._waiting.remove(waiting)
            waiting.future.cancel()
        known = {w.asked.id for w in self._waiting if w.session is session}
        for asked_id, asked in pending.items():
            if asked_id not in known:
                waiting = WaitingQuestion(session, asked, asyncio.get_running_loop().create_future())
                self._arm(waiting)
                self._waiting.append(waiting)
                self.asked.publish(waiting)

    def forget(self, session: SessionController) -> None:
        for waiting in [w for w in self._waiting if w.session is session]:
            self._waiting.remove(waiting)
            waiting.future.cancel()

    def rearm(self, waiting: WaitingQuestion) -> None:
        """The question still waits (deferred, or its answer failed): a fresh Future for it."""
        waiting.answering = False
        if waiting in self._waiting and waiting.future.done():
            waiting.future = asyncio.get_running_loop().create_future()
            self._arm(waiting)

    def _arm(self, waiting: WaitingQuestion) -> None:
        future = waiting.future

        def resolved(done: asyncio.Future[QuestionReply]) -> None:
            if not done.cancelled() and done is waiting.future:
                reply = done.result()
                if reply.action == "defer":
                    waiting.deferred = True
                    # The transcript says so where the question was asked.
                    note = question_notes.deferred(waiting.session.transcript, waiting.asked.id)
                    if note is not None:
                        waiting.session.note(note)
                self._on_reply(waiting, reply)

        future.add_done_callback(resolved)

    def waiting(self, session: SessionController | None = None) -> list[WaitingQuestion]:
        """Oldest first; those of `session` only when given."""
        return [w for w in self._waiting if session is None or w.session is session]

    def next_open(self, session: SessionController) -> WaitingQuestion | None:
        return next((w for w in self.waiting(session) if w.open), None)
