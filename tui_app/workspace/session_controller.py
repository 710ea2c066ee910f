"""Session controllers: one per session. Each owns its transcript and status, sends through its
backend, records usage in the shared ledger, and announces every change through a callback, so
the UI (or `tui-app ask`) decides how to show it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui_app.backends.base import AgentBackend, EndResult, RemoteSession
from tui_app.backends.errors import BackendError, NotFound, SessionExpired, TurnConflict
from tui_app.core import completeness, question_notes, session_state, transcript as reducer
from tui_app.core.attachments import shown_text
from tui_app.core.events import DomainEvent, MessageCompleted, TurnCompleted, UserMessageSent
from tui_app.core.session_state import ControllerEvent, SessionStatus, StateKind
from tui_app.core.cost import with_stored_session
from tui_app.core.transcript import Transcript
from tui_app.core.usage_ledger import UsageLedger
from tui_app.persistence.store import RestoredSession, SessionRecord, Store
from tui_app.workspace.sends import Send

# When a 409 names no Retry-After, wait this long before sending the queued message again.
DEFAULT_CONFLICT_WAIT = 2.0
MAX_CONFLICT_RETRIES = 30
# Events reach the store within one frame of being applied (and shown), in one transaction per
# burst, so streaming never waits on the disk.
FLUSH_SECONDS = 1 / 30


@dataclass(frozen=True, slots=True)
class StoredSession:
    """What restoring a session reads from the store; reading it is the slow part, and may run
    on any thread."""

    record: SessionRecord
    last_event_id: int | None
    restored: RestoredSession
    message_times: dict[str, float]

    @classmethod
    def read(cls, store: Store, record: SessionRecord) -> StoredSession:
        # From the store's projections, not a replay of every streamed token.
        times = {k: v for k, v in store.message_times(record.id).items() if v is not None}
        last_id = store.last_event_id(record.id) if record.remote_id else None
        return cls(record, last_id, store.load_transcript(record.id), times)


class LedgerBook:
    """The ledger shared by every session of one app (or one `ask`)."""

    def __init__(self) -> None:
        self.ledger = UsageLedger()


class SessionController:
    """One conversation with one backend. Not thread-safe: use it from one event loop."""

    def __init__(
        self,
        backend: AgentBackend,
        title: str | None = None,
        on_change: Callable[[SessionController, DomainEvent | None], None] | None = None,
        ledger: LedgerBook | None = None,
        clock: Callable[[], float] = time.monotonic,
        store: Store | None = None,
        session_id: str | None = None,
    ) -> None:
        self.id = session_id or uuid.uuid4().hex
        self.title = title or "Session"
        self.backend = backend
        self.model: str | None = None
        self.remote: RemoteSession | None = None
        self.transcript = Transcript()
        self.message_times: dict[str, float] = {}
        """When each message first appeared (Unix time), for the transcript's headers."""
        self.book = ledger or LedgerBook()
        self._clock = clock
        self.status: SessionStatus = session_state.initial(clock())
        self.last_activity = clock()
        self.created_at = time.time()
        self._on_change = on_change
        self._store = store
        self._unsaved: list[DomainEvent] = []
        self._flush_scheduled = False
        self.new_files = False
        """A turn made files not looked at since (`workspace/new_files.py`): kept in the record."""
        self.file_turns: dict[str, int] = {}
        """Which turn last wrote each of the agent's files, where a list showed it: kept too."""

    # --- persistence ---------------------------------------------------------------------

    def record(self) -> SessionRecord:
        return SessionRecord(
            id=self.id,
            backend=self.backend.name,
            remote_id=self.remote.id if self.remote else None,
            title=self.title,
            model=self.model,
            state=self.state,
            money_unit=self.backend.capabilities.money,
            created_at=self.created_at,
            last_activity=time.time() - (self._clock() - self.last_activity),  # not "now": a save is no activity
            final_cost=self.status.final_cost,
            runtime_ms=self.status.runtime_ms,
            closed=self.state in session_state.TERMINAL,
            new_files=self.new_files,
            file_turns=tuple(self.file_turns.items()),
        )

    def mark_new_files(self, marked: bool) -> None:
        """Set the `+files` mark and keep it with the session's record (so a restart has it)."""
        if marked != self.new_files:
            self.new_files = marked
            self._save_record()

    def note_file_turns(self, turn: int, paths: list[str]) -> None:
        """Turn `turn` wrote these files: kept with the record for the files view's Turn column."""
        if paths:
            self.file_turns.update((path, turn) for path in paths)
            self._save_record()

    def rename(self, title: str) -> None:
        self.title = title
        self._save_record()
        self._changed(None)

    def _save_record(self) -> None:
        if self._store is not None:
            self._store.save_session(self.record())

    def _queue_write(self, event: DomainEvent) -> None:
        if self._store is None:
            return
        self._unsaved.append(event)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        """Write the events applied since the last flush, and where the feed stands."""
        self._flush_scheduled = False
        if self._store is None or not self._unsaved:
            return
        events, self._unsaved = self._unsaved, []
        last_id = self.backend.last_event_id(self.remote.id) if self.remote else None
        self._store.append_events(self.id, events, last_event_id=last_id)

    @classmethod
    def restore(
        cls,
        record: SessionRecord,
        backend: AgentBackend,
        store: Store,
        on_change: Callable[[SessionController, DomainEvent | None], None] | None = None,
        ledger: LedgerBook | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> SessionController:
        """Rebuild a session from the store exactly as it was: transcript, costs, state."""
        return cls.rebuild(StoredSession.read(store, record), backend, store, on_change, ledger, clock)

    @classmethod
    def rebuild(
        cls,
        stored: StoredSession,
        backend: AgentBackend,
        store: Store,
        on_change: Callable[[SessionController, DomainEvent | None], None] | None = None,
        ledger: LedgerBook | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> SessionController:
        """`restore` from what was read already (maybe on another thread): no store read here."""
        record, restored = stored.record, stored.restored
        session = cls(backend, record.title, on_change, ledger, clock, store, session_id=record.id)
        session.model, session.created_at, session.new_files = record.model, record.created_at, record.new_files
        session.file_turns = dict(record.file_turns)
        if record.remote_id:
            session.remote = RemoteSession(record.remote_id, "unknown")
            backend.restore(record.remote_id, stored.last_event_id)
        session.transcript = restored.transcript
        session.message_times = stored.message_times
        session.book.ledger = with_stored_session(
            session.book.ledger,
            record.id,
            session.transcript.turns,
            restored.ledger_entries,
            restored.llm_costs,
            backend.capabilities.money,
        )
        now = clock()
        if record.state == "ended":
            session.status = session_state.SessionStatus("ended", now, final_cost=record.final_cost, runtime_ms=record.runtime_ms)
        elif record.closed or record.remote_id is None:
            session.status = session_state.SessionStatus("expired", now, error="This session is no longer on its service.")
        elif session.transcript.active_turn is not None:
            session.status = session_state.SessionStatus("streaming", now, reconnecting=True)
        else:
            session.status = session_state.SessionStatus("ready", now)
        return session

    async def reconnect(self) -> None:
        """After a restart: follow a turn that was running from the last event id, or check the
        service still has the session. One it no longer has is kept, read-only, as expired."""
        if self.remote is None or self.state in session_state.TERMINAL:
            return
        turn = self.transcript.active_turn
        follows = turn is not None and self.backend.capabilities.replay
        try:
            if turn is not None and follows:
                async for event in self.backend.follow(self.remote.id, turn.id):
                    self._apply(event)
                self._reconnected(turn.id, None)
            else:
                await self.backend.check(self.remote.id)
        except (NotFound, SessionExpired) as error:
            self._advance(session_state.Expired(error.message))
        except BackendError as error:
            self._reconnected(turn.id if turn is not None else None, error.message)
        finally:
            self.flush()
            self._save_record()
        if turn is not None and not follows:
            self._cut_off(turn.id)

    def _cut_off(self, turn_id: str) -> None:
        """End a turn its service cannot resume (Stewrd), in the transcript and the store: its
        reply would wait for ever, unfinished, and nothing would say the rest of it is lost."""
        reason = (
            f"the app closed while {self.backend.name} was replying, and {self.backend.name} cannot resume "
            "a reply, so the rest of it is lost; send the message again for a complete answer"
        )
        for message in self.transcript.messages:
            if message.turn_id == turn_id and not message.completed:
                self._apply(MessageCompleted(turn_id, message.id, "cut_off"))
        self._apply(TurnCompleted(turn_id, "failed", reason))

    def _reconnected(self, turn_id: str | None, error: str | None) -> None:
        """`reconnect` is over: ready, with its error if any, unless the session moved on meanwhile.
        A followed turn that ended made it ready already, and a message queued behind the turn goes
        at that moment, while the follow's stream is still closing; a session restored between
        turns takes messages while it is checked. Such a send owns the state now (set back to
        ready, its whole turn streamed as "ready", which nothing leaves)."""
        active = self.transcript.active_turn
        if turn_id is not None and (active is None or active.id != turn_id):
            return
        if turn_id is None and self.state in session_state.BUSY:
            return
        self.status = session_state.SessionStatus("ready", self._clock(), error=error)
        self._changed()

    @property
    def state(self) -> StateKind:
        return self.status.kind

    @property
    def error(self) -> str | None:
        return self.status.error

    def _changed(self, event: DomainEvent | None = None) -> None:
        if self._on_change is not None:
            self._on_change(self, event)

    def _advance(self, event: ControllerEvent) -> None:
        before = self.status.kind
        self.status = session_state.advance(self.status, event, self._clock())
        if self.status.kind != before:
            self._save_record()
        self._changed()

    def check_idle(self) -> None:
        """Mark the session snapshotted once its service's idle timeout has passed."""
        timeout = self.remote.idle_timeout_ms if self.remote else None
        if timeout is not None and self.state == "ready" and self._clock() - self.last_activity >= timeout / 1000:
            self._advance(session_state.WentIdle())

    def _apply(self, event: DomainEvent) -> None:
        self.last_activity = self._clock()
        self._queue_write(event)
        earlier, self.transcript = self.transcript, reducer.apply(self.transcript, event)
        for note in question_notes.notes(earlier, self.transcript, event):  # questions recorded in place
            self._queue_write(note)
            self.transcript = reducer.apply(self.transcript, note)
        if (mark := completeness.note(self.transcript, event)) is not None:  # a resumed feed, judged in the reply
            self._queue_write(mark)
            self.transcript = reducer.apply(self.transcript, mark)
        messages = self.transcript.messages
        if messages and messages[-1].id not in self.message_times:
            self.message_times[messages[-1].id] = time.time()
        before = self.status.kind
        self.status = session_state.advance(self.status, event, self._clock())
        self.book.ledger = self.book.ledger.record_event(self.id, event, self.backend.capabilities.money)
        if isinstance(event, TurnCompleted):
            self.flush()  # a finished turn is on disk at once
        if self.status.kind != before:
            self._save_record()
        self._changed(event)

    def note(self, event: DomainEvent) -> None:
        """Apply an event the client makes itself (a question deferred): stored and shown like
        the service's."""
        self._apply(event)

    async def open(self, model: str | None = None, idle_timeout_ms: int | None = None) -> None:
        """Create the session on its service."""
        self.model = model
        try:
            self.remote = await self.backend.create_session(self.title, model, idle_timeout_ms)
        except BackendError as error:
            self._advance(session_state.Failed(error.message))
            raise
        self._advance(session_state.Opened())

    async def send(self, text: str, tracker: Send | None = None) -> None:
        """Send `text` and apply the turn's events until it ends. Raises `BackendError`.

        The user's message enters the transcript (and the store) only once the service has taken
        it, with its first event: a send refused for good leaves no message behind. A 409 (another
        turn is active on the service) queues the message: it is sent again after `Retry-After`,
        with the state saying so, until it goes through or the bound is reached.
        """
        if self.remote is None or self.state not in ("ready", "idle"):
            raise RuntimeError(f"session {self.title!r} cannot send while {self.state}")
        tracker = tracker or Send(self.id, text)
        sent = UserMessageSent(message_id=f"user_{uuid.uuid4().hex}", text=shown_text(text, tracker.files))
        self._advance(session_state.SendStarted())
        for attempt in range(1, MAX_CONFLICT_RETRIES + 2):
            try:
                async for event in self.backend.send(self.remote.id, text, tracker.files):
                    if tracker.state != "sent":
                        self._accepted(tracker, sent)
                    self._apply(event)
                break
            except TurnConflict as conflict:
                if attempt > MAX_CONFLICT_RETRIES:
                    self._refused(tracker, conflict)
                    self._advance(session_state.SendFailed(conflict.message))
                    raise
                wait = conflict.retry_after if conflict.retry_after is not None else DEFAULT_CONFLICT_WAIT
                tracker.state = "queued"
                self._advance(session_state.Queued(self._clock() + wait, conflict.message))
                await asyncio.sleep(wait)
                self._advance(session_state.SendStarted())
            except SessionExpired as error:
                self._refused(tracker, error)
                self._advance(session_state.Expired(error.message))
                raise
            except BackendError as error:
                self._refused(tracker, error)
                self._advance(session_state.SendFailed(error.message))
                raise
        if tracker.state != "sent":
            self._accepted(tracker, sent)  # taken without a word back: it is the service's now
        if self.state in session_state.BUSY:
            # The backend ended without a turn.completed the state machine could see.
            self._advance(session_state.Opened())

    def _accepted(self, tracker: Send, sent: UserMessageSent) -> None:
        tracker.state = "sent"
        self._apply(sent)

    @staticmethod
    def _refused(tracker: Send, error: BackendError) -> None:
        # A send the service took before the stream broke stays sent: its message is delivered.
        if tracker.state != "sent":
            tracker.state, tracker.error = "failed", error.message

    async def answer(self, request_id: str, answers: Sequence[Sequence[str]]) -> None:
        """Answer the agent's question; the turn's own stream reports it settled."""
        if self.remote is None:
            raise RuntimeError("the session is not open")
        await self.backend.answer(self.remote.id, request_id, answers)

    async def cancel(self) -> None:
        if self.remote is None:
            raise RuntimeError("the session is not open")
        self._advance(session_state.CancelRequested())
        await self.backend.cancel(self.remote.id)

    async def end(self) -> EndResult:
        """End the session on its service; the final cost and runtime stay on record."""
        if self.remote is None:
            raise RuntimeError("the session is not open")
        result = await self.backend.end(self.remote.id)
        self._advance(session_state.Ended(result.cost, result.runtime_ms))
        return result
