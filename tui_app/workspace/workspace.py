"""The application: every session of one run, what they share, and what happens to them.

Free of Textual, so the full-screen app and `tui-app ask` drive the same rules. It runs on one event loop; the network work
of sends, answers, cancels and ends runs in tasks it owns; what comes of them is published (`changes`, `roster`, `notices`, `sends`, `storage`, `questions.asked`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from tui_app.backends.base import AgentBackend, EndResult
from tui_app.backends.connection import Connection
from tui_app.backends.errors import BackendError
from tui_app.core.budget import BudgetCheck
from tui_app.core.events import DomainEvent, PartUpdated, TurnCompleted, UsageReported
from tui_app.core.money import format_money
from tui_app.core.session_state import BUSY
from tui_app.persistence.store import Store, StoreHealth
from tui_app.settings.user_settings import Settings
from tui_app.workspace import export, stream_notices
from tui_app.workspace.budgets import BudgetRules
from tui_app.workspace.change_batching import ChangeBatcher
from tui_app.workspace.changes import Notice, RosterChange, SessionChange, StorageStatus
from tui_app.workspace.drafts import Drafts
from tui_app.workspace.questions import QuestionQueue, QuestionReply, WaitingQuestion
from tui_app.workspace.restore import Stage, in_start_order, read_stored, rebuild_sessions, restore_in_stages, restore_sessions
from tui_app.workspace.search import MessageSearch
from tui_app.workspace.sends import Attachments, Send
from tui_app.workspace.session_controller import LedgerBook, SessionController
from tui_app.workspace.signal import Signal
from tui_app.workspace.storage_watch import StorageWatch

log = logging.getLogger(__name__)


class Workspace:
    """Built from the connections (the first is the default for new sessions), an optional
    store, and the settings. Call `start()` on the event loop it will run on."""

    def __init__(
        self,
        connections: Sequence[Connection],
        store: Store | None = None,
        settings: Settings | None = None,
        model: str | None = None,
    ) -> None:
        self.connection = connections[0]
        self.connections = {c.backend: c for c in connections}
        self.store = store
        self.settings = settings or Settings()
        self.model = model or self.settings.model
        self.book = LedgerBook()
        self.sessions: dict[str, SessionController] = {}
        self.current: SessionController | None = None
        self.unread: set[str] = set()
        self.changes: Signal[SessionChange] = Signal("workspace.changes")
        self.batching = ChangeBatcher(self.changes)  # an off-screen session's tokens: once a tick
        self.roster: Signal[RosterChange] = Signal("workspace.roster")
        self.notices: Signal[Notice] = stream_notices.follow(self.changes, Signal("workspace.notices"))
        self.sends: Signal[Send] = Signal("workspace.sends")
        self.storage: Signal[StorageStatus] = Signal("workspace.storage")
        self.questions = QuestionQueue(self._replied)
        self.budgets = BudgetRules(self.book, lambda: self.settings.budget)
        self.drafts = Drafts(self.store_for)
        self._backends: dict[str, AgentBackend] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watch = StorageWatch(store, self.storage, self._spawn, self._deleted_elsewhere) if store else None

    # --- lifetime ------------------------------------------------------------------------

    def start(self, only: str | None = None) -> bool:
        """Open a client per backend (they belong to the running loop) and bring back the stored sessions (or the one whose
        id is `only`), read on this thread; True if there were any (the latest is then on screen). The app uses `open` and `restore` instead, to read off the loop."""
        self.open()
        kept = self._kept_backends()
        if self.store is None or not kept:
            return False
        return self._restored(restore_sessions(self.store, kept, self.book, self._session_changed, self._idle_ms(), only))

    def open(self) -> None:
        """Open a client per backend (they belong to the running loop) and follow the store."""
        self._backends = {name: c.open_backend() for name, c in self.connections.items()}
        if self._watch is not None:
            self._watch.start()

    async def restore(self, prefer: str | None = None, shown: Stage | None = None) -> bool:
        """After `open`: the stored sessions back, read off the loop; True if any (the latest, or with `shown` `prefer`, on screen unless another is: `restore_in_stages`)."""
        kept, store = self._kept_backends(), self.store
        if store is None or not kept:
            return False
        add = lambda stored: self._restored(rebuild_sessions(stored, store, kept, self.book, self._session_changed, self._idle_ms()))  # noqa: E731
        if shown is not None:
            return await restore_in_stages(store, set(kept), prefer, add, shown)
        return add(await asyncio.to_thread(read_stored, store, set(kept)))

    def _kept_backends(self) -> dict[str, AgentBackend]:
        # An embedded server in memory (another tui-app holds its store) knows none of the stored
        # local sessions: restoring them would wrongly mark them expired for good.
        return {name: b for name, b in self._backends.items() if self.connections[name].persistent}  # type: ignore[index]

    def _restored(self, restored: list[SessionController]) -> bool:
        for session in restored:
            self._add(session)
            self._spawn(session.reconnect())
        if restored and self.current is None:
            self.show(max(restored, key=lambda s: s.created_at))
        return bool(restored)

    async def aclose(self) -> None:
        """Save what is pending, stop the work in flight, close the clients."""
        self._hand_over()
        if self._watch is not None:
            self._watch.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for backend in self._backends.values():
            await backend.aclose()

    @property
    def storage_status(self) -> StorageStatus:
        """The latest word on saving (`storage` announces each change); all saved without a store."""
        return self._watch.status if self._watch is not None else StorageStatus(StoreHealth(True, None, 0), False)

    def _hand_over(self) -> None:
        """Give the store what waits here for a pause (a draft being typed, events of this frame)."""
        self.drafts.flush()
        for session in self.sessions.values():
            session.flush()

    def unsaved(self) -> int:
        """Changes not in the database yet (they are kept in memory while the app runs)."""
        self._hand_over()
        return (self.store.unsaved() if self.store is not None else 0) + self.drafts.unsaved

    async def save_all(self, timeout: float) -> bool:
        """Hand everything over and wait (off the loop, at most `timeout` s) until it is written;
        True if it is. While writes fail it does not wait: they will not succeed by themselves."""
        self._hand_over()
        store = self.store
        if store is None:
            return True
        if not store.health().ok:
            return store.unsaved() == 0 and self.drafts.unsaved == 0
        return await asyncio.to_thread(store.flush, timeout) and self.drafts.unsaved == 0

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("workspace task failed", exc_info=task.exception())

    def store_for(self, session: SessionController) -> Store | None:
        """Where `session` is kept: nowhere if its service forgets it at exit."""
        return self._store_of(session.backend.name)

    def _store_of(self, backend: str) -> Store | None:
        connection = self.connections.get(backend)  # type: ignore[call-overload]
        return self.store if connection is None or connection.persistent else None

    # --- the roster ----------------------------------------------------------------------

    @property
    def order(self) -> list[SessionController]:
        return list(self.sessions.values())

    def next_title(self) -> str:
        return f"Session {len(self.sessions) + 1}"

    def new_session(self, title: str | None = None, backend: str | None = None, model: str | None = None) -> SessionController:
        """Start a session on `backend` (default: the first connection's) in the background, and
        show it; a failure to start is a notice."""
        session = self._session(title, backend)
        self.show(session)
        self._spawn(self._open(session, model or self.model))
        return session

    async def open_session(self, title: str | None = None, backend: str | None = None, model: str | None = None) -> SessionController:
        """Start a session and wait until its service has it. Raises `BackendError`."""
        session = self._session(title, backend)
        self.show(session)
        await session.open(model or self.model, self._idle_ms())
        return session

    def _idle_ms(self) -> int | None:
        idle = self.settings.idle_timeout_s
        return idle * 1000 if idle else None

    def _session(self, title: str | None, backend: str | None) -> SessionController:
        client = self._backends[backend or self.connection.backend]
        session = SessionController(
            client,
            title=title or self.next_title(),
            on_change=self._session_changed,
            ledger=self.book,
            store=self._store_of(client.name),
        )
        self._add(session)
        return session

    def _add(self, session: SessionController) -> None:
        in_start_order(self.sessions, session)
        self.roster.publish(RosterChange("added", session))

    async def _open(self, session: SessionController, model: str | None) -> None:
        try:
            await session.open(model, self._idle_ms())
        except BackendError as error:
            self.notices.publish(Notice(f"{session.title} could not start", f"{error.message} F5 tries again.", "error", 10))

    def show(self, session: SessionController) -> str:
        """`session` is the one on screen now; returns its draft for the composer."""
        self.drafts.flush()
        self.current = session
        self.unread.discard(session.id)
        self.roster.publish(RosterChange("current", session))
        return self.drafts.load(session)

    def step(self, step: int) -> SessionController | None:
        """The session `step` places after the current one (wrapping), if there is another."""
        order = self.order
        if self.current is None or len(order) < 2:
            return None
        return order[(order.index(self.current) + step) % len(order)]

    def numbered(self, number: int) -> SessionController | None:
        order = self.order
        return order[number - 1] if 0 < number <= len(order) else None

    def _session_changed(self, session: SessionController, event: DomainEvent | None) -> None:
        if session.id not in self.sessions:
            return  # deleted meanwhile; its last events are not news
        if session is not self.current and isinstance(event, PartUpdated):
            self.unread.add(session.id)
        self.questions.sync(session)
        self.batching.publish(SessionChange(session, event, session.id in self.unread))
        # A turn that ends unpriced makes the budget unknown, so its end is checked too.
        if isinstance(event, UsageReported | TurnCompleted):
            self.budgets.enforce(session, self)

    def check_idle(self) -> None:
        for session in self.order:
            session.check_idle()

    def draft_changed(self, text: str) -> None:
        if self.current is not None:
            self.drafts.changed(self.current, text)

    # --- sends ---------------------------------------------------------------------------

    def send_needs_confirmation(self, session: SessionController) -> BudgetCheck | None:
        return self.budgets.needs_confirmation(session)

    def start_send(self, session: SessionController, text: str, files: Attachments = ()) -> Send:
        """Send `text` in the background; `sends` announces it when it failed."""
        send = Send(session.id, text, files)
        self._spawn(self._send_noting_failure(session, send))
        return send

    async def send(self, session: SessionController, text: str, files: Attachments = ()) -> Send:
        """Send `text` and follow the turn to its end. Raises `BackendError` (the send then
        says "failed" unless the service had taken it)."""
        send = Send(session.id, text, files)
        try:
            await session.send(text, send)
        finally:
            self.sends.publish(send)
        return send

    async def _send_noting_failure(self, session: SessionController, send: Send) -> None:
        try:
            await session.send(send.text, send)
        except BackendError as error:
            self.notices.publish(Notice(f"{session.title}: not sent", error.message, "error", 10))
        finally:
            self.sends.publish(send)

    # --- questions -----------------------------------------------------------------------

    def _replied(self, waiting: WaitingQuestion, reply: QuestionReply) -> None:
        if reply.action == "answer":
            waiting.answering = True
            self._spawn(self._answer(waiting, reply.answers))
            return
        self.questions.rearm(waiting)
        if reply.action == "cancel":
            self.cancel(waiting.session)

    async def _answer(self, waiting: WaitingQuestion, answers: tuple[tuple[str, ...], ...]) -> None:
        try:
            await waiting.session.answer(waiting.asked.id, answers)
        except BackendError as error:
            message = f"{error.message} The question is still waiting (Ctrl+O)."
            self.notices.publish(Notice("Answer not sent", message, "error"))
        self.questions.rearm(waiting)  # it leaves the queue when the turn's stream says settled

    # --- cancel, end, rename, delete, export ---------------------------------------------

    def can_cancel(self, session: SessionController | None) -> bool:
        return session is not None and session.state in BUSY and session.backend.capabilities.cancel

    def cancel(self, session: SessionController) -> None:
        if session.state in BUSY:
            self._spawn(self._cancel(session))

    async def _cancel(self, session: SessionController) -> None:
        try:
            await session.cancel()
        except BackendError as error:
            self.notices.publish(Notice(f"{session.title}: not cancelled", error.message, "error"))

    def can_end(self, session: SessionController | None) -> bool:
        return (
            session is not None and session.backend.capabilities.end_with_cost and session.state in ("ready", "idle")
        )

    def start_end(self, session: SessionController) -> None:
        self._spawn(self.end(session))

    async def end(self, session: SessionController) -> EndResult | None:
        """End `session` on its service; the notice gives the final cost."""
        try:
            result = await session.end()
        except BackendError as error:
            self.notices.publish(Notice(f"{session.title}: not ended", error.message, "error"))
            return None
        unit = session.backend.capabilities.money
        runtime = f" after {result.runtime_ms / 1000:.1f} s of runtime" if result.runtime_ms is not None else ""
        message = f"{session.title} ended{runtime}. Final cost: {format_money(result.cost, unit)}."
        self.notices.publish(Notice("Session ended", message))
        return result

    def rename(self, session: SessionController, title: str) -> None:
        if title and title != session.title:
            session.rename(title)

    def deletable(self, session: SessionController) -> bool:
        """Only a finished session's history may go: a live one would come back from its service."""
        return session.state in ("ended", "expired", "failed")

    def delete_history(self, session: SessionController) -> SessionController | None:
        """Forget `session` here (its service is not asked anything). Returns the session to show
        next, or None when none is left."""
        if self.store is not None:
            self.store.delete_session(session.id)
        self._forget(session)
        self.notices.publish(Notice("", f"{session.title}: local history deleted."))
        if self.current is None:
            return self.order[-1] if self.sessions else None
        return self.current

    def _forget(self, session: SessionController) -> None:
        del self.sessions[session.id]
        self.unread.discard(session.id)
        self.questions.forget(session)
        if self.current is session:
            self.current = None
        self.roster.publish(RosterChange("removed", session))

    def _deleted_elsewhere(self, session_ids: frozenset[str]) -> None:
        """Another program deleted these sessions from the store (`tui-app sessions rm`): they
        leave the roster rather than be written back. With the current one gone, `current` is
        None until the view shows another."""
        for session in [s for s in self.order if s.id in session_ids]:
            self._forget(session)
            message = f"{session.title} was deleted by another program (tui-app sessions rm): it is no longer shown or kept here."
            self.notices.publish(Notice("Session deleted elsewhere", message, "warning", 15))

    def export_names(self, session: SessionController) -> dict[str, str] | None:
        """Suggested file names per format, or None when `session` is not kept (nothing to export)."""
        store = self.store_for(session)
        record = store.session(session.id) if store is not None else None
        if record is None:
            return None
        return {fmt: export.suggested_name(record, fmt) for fmt in ("md", "json")}

    def export(self, session: SessionController, path: Path, format: str) -> None:
        """Write `session` to `path` as it is on screen now. Raises OSError."""
        store = self.store_for(session)
        if store is None:
            raise OSError("this session is not kept")
        session.flush()
        path.write_text(export.render(export.load(store, session.id), format), encoding="utf-8")

    @property
    def search(self) -> MessageSearch | None:
        """Search over every kept session; None when nothing is kept in this run."""
        return MessageSearch(self.store) if self.store is not None else None
