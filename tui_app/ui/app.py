"""The full-screen app: session sidebar and usage panel, transcript, composer, footer."""

from __future__ import annotations

import os

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.timer import Timer
from textual.widgets import Footer, Header

from tui_app.backends.base import AgentBackend
from tui_app.backends.errors import BackendError
from tui_app.connect import Connection
from tui_app.core.events import (
    DomainEvent,
    PartUpdated,
    QuestionAsked,
    QuestionSettled,
    TurnCompleted,
    UsageReported,
)
from tui_app.core.transcript import AskedQuestion
from tui_app.core.money import format_money
from tui_app.core.session_state import BUSY
from tui_app.sessions import LedgerBook, SessionController
from tui_app.store import Store
from tui_app.ui.messages import SessionUpdated
from tui_app.ui.screens.audit_log import AuditLogScreen
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.screens.question_dialog import QuestionDialog, QuestionReply
from tui_app.ui.themes import DEFAULT_THEME, load_themes
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.ui.widgets.transcript_view import TranscriptView
from tui_app.ui.widgets.usage_panel import UsagePanel

DRAFT_SAVE_SECONDS = 0.3
EXIT_AFTER_FIRST_PAINT = "TUI_APP_EXIT_AFTER_FIRST_PAINT"
"""Set (to anything) in the environment, the app quits once its first screen is painted."""
COMPOSER_TITLES = {
    "creating": "Connecting… (you can type already)",
    "ready": "Message",
    "idle": "Message (the session is snapshotted: it resumes on send)",
    "sending": "Sending…",
    "streaming": "The agent is replying… (your draft is kept)",
    "asking": "The agent asks a question… (your draft is kept)",
    "resuming": "Restoring the session… (your draft is kept)",
    "queued": "Queued: another turn is running (your draft is kept)",
    "cancelling": "Cancelling…",
    "expired": "This session has expired: start a new one",
    "ended": "This session has ended",
    "failed": "Session failed: see the notification",
}


class TuiApp(App[None]):
    """One window onto many agent sessions (one, for now)."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-app"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        Binding("escape", "cancel_turn", "Cancel turn", id="cancel"),
        Binding("ctrl+n", "new_session", "New session", id="new-session"),
        Binding("ctrl+o", "answer_question", "Answer question", id="answer-question"),
        Binding("ctrl+t", "end_session", "End session", id="end-session"),
        Binding("ctrl+l", "audit_log", "Audit log", id="audit-log"),
        Binding("ctrl+pagedown", "next_session(1)", "Next session", show=False, id="next-session"),
        Binding("ctrl+pageup", "next_session(-1)", "Previous session", show=False, id="previous-session"),
        *(
            Binding(f"alt+{n}", f"switch_number({n})", f"Session {n}", show=False, id=f"session-{n}")
            for n in range(1, 10)
        ),
    ]

    def __init__(self, connection: Connection, model: str | None = None, store: Store | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.model = model
        self.store = store
        self.book = LedgerBook()
        self.sessions: dict[str, SessionController] = {}
        self.current: SessionController | None = None
        self._backend: AgentBackend | None = None
        self._shown_state: tuple[str, str] | None = None
        self._draft_timer: Timer | None = None
        self._draft = ""
        self._dialog_for: tuple[str, str] | None = None
        self._unread: set[str] = set()
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = DEFAULT_THEME

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="side"):
                yield SessionSidebar()
                yield UsagePanel()
            with Vertical(id="chat"):
                yield TranscriptView(id="transcript")
                yield Composer(id="composer")
        yield Footer()

    def on_mount(self) -> None:
        # Held, not queried: `query_one` looks at the screen on top, which may be a dialog.
        self._sidebar = self.query_one(SessionSidebar)
        self._usage = self.query_one(UsagePanel)
        self._transcript = self.query_one(TranscriptView)
        self._composer = self.query_one(Composer)
        self.sub_title = f"{self.connection.backend} · {self.connection.where}"
        # The HTTP client belongs to this event loop, so it is made here, not in __init__.
        self._backend = self.connection.open_backend()
        if not self._reopen_sessions():
            self.new_session()
        # Cheap, and rare enough to cost nothing while idle.
        self.set_interval(30, self._check_idle)
        self.set_interval(1, self._tick)
        if self.connection.notice:
            self.notify(self.connection.notice, severity="warning", timeout=10)
        self._composer.focus()
        if os.environ.get(EXIT_AFTER_FIRST_PAINT):
            # For timing a cold start as a whole process (benchmarks/cold_start.py).
            self.call_after_refresh(self.exit)

    def _reopen_sessions(self) -> bool:
        """Bring back every stored session of this backend, as it was; False if there is none."""
        if self.store is None or self._backend is None:
            return False
        records = [r for r in self.store.sessions() if r.backend == self._backend.name]
        for record in records:
            session = SessionController.restore(
                record, self._backend, self.store, on_change=self._session_changed, ledger=self.book
            )
            self.sessions[session.id] = session
            self._sidebar.add_session(session)
            self.run_worker(session.reconnect(), group=f"session-{session.id}", exit_on_error=False)
        if not records:
            return False
        latest = max(self.sessions.values(), key=lambda s: s.created_at)
        self.run_worker(self._switch(latest), group="switch")
        return True

    async def on_unmount(self) -> None:
        self._save_draft()
        for session in self.sessions.values():
            session.flush()
        if self._backend is not None:
            await self._backend.aclose()

    @on(Composer.Changed)
    def _draft_changed(self, event: Composer.Changed) -> None:
        # Keystrokes are saved in bursts, not one write per key.
        self._draft = event.text_area.text
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_SECONDS, self._save_draft)

    def _save_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.store is not None and self.current is not None and self.current.remote is not None:
            self.store.save_draft(self.current.id, self._draft)

    def action_new_session(self) -> None:
        self.new_session()

    @on(SessionSidebar.Chosen)
    async def switch_to(self, message: SessionSidebar.Chosen) -> None:
        session = self.sessions.get(message.session_id)
        if session is None or session is self.current:
            return
        await self._switch(session)

    async def _switch(self, session: SessionController) -> None:
        # A session off screen is data, not widgets: the view is rebuilt from its transcript.
        self._save_draft()
        self.current = session
        self._unread.discard(session.id)
        self._sidebar.refresh_session(session)
        composer = self._composer
        composer.set_history([m.text for m in session.transcript.messages if m.role == "user"])
        draft = self.store.draft(session.id) if self.store is not None and session.remote is not None else ""
        with composer.prevent(Composer.Changed):
            composer.text = draft
        self._draft = draft
        await self._transcript.reset()
        self._sidebar.select(session.id)
        self._show_current()
        self._offer_question(session)  # a question asked while it was off screen opens now

    def new_session(self) -> SessionController:
        assert self._backend is not None
        session = SessionController(
            self._backend,
            title=f"Session {len(self.sessions) + 1}",
            on_change=self._session_changed,
            ledger=self.book,
            store=self.store,
        )
        self.sessions[session.id] = session
        self._sidebar.add_session(session)
        self.run_worker(self._switch(session), group="switch")
        self.run_worker(self._open(session), group=f"session-{session.id}", exit_on_error=False)
        return session

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end_session":
            session = self.current
            return (
                session is not None
                and session.backend.capabilities.end_with_cost
                and session.state in ("ready", "idle")
            )
        if action == "answer_question":
            return self.current is not None and bool(self.current.transcript.pending_questions)
        if action == "cancel_turn":
            session = self.current
            busy = session is not None and session.state in BUSY
            return busy and session.backend.capabilities.cancel  # type: ignore[union-attr]
        return True

    def action_cancel_turn(self) -> None:
        session = self.current
        if session is not None and session.state in BUSY:
            self.run_worker(self._cancel(session), group=f"cancel-{session.id}", exit_on_error=False)

    async def _cancel(self, session: SessionController) -> None:
        try:
            await session.cancel()
        except BackendError as error:
            self.notify(error.message, title=f"{session.title}: not cancelled", severity="error")

    def _check_idle(self) -> None:
        for session in self.sessions.values():
            session.check_idle()

    async def _open(self, session: SessionController) -> None:
        try:
            await session.open(model=self.model)
        except BackendError as error:
            self.notify(error.message, title=f"{session.title} could not start", severity="error", timeout=10)

    def _session_changed(self, session: SessionController, event: DomainEvent | None) -> None:
        self.post_message(SessionUpdated(session.id, event))

    def on_session_updated(self, message: SessionUpdated) -> None:
        session = self.sessions.get(message.session_id)
        if session is None:
            return
        event = message.event
        if session is not self.current and isinstance(event, PartUpdated):
            self._unread.add(session.id)
        self._sidebar.refresh_session(session, session.id in self._unread)
        if session is self.current:
            self._show_current()
        elif isinstance(event, UsageReported) and self.current is not None:
            self._usage.show_all_sessions(self.current)  # the total across sessions moved
        screen = self.screen
        if isinstance(screen, AuditLogScreen) and screen.session is session and isinstance(event, UsageReported | TurnCompleted):
            screen.show_log()
        if isinstance(event, QuestionAsked):
            if session is self.current:
                self._offer_question(session)
            else:
                # Never silent: a background session that waits for an answer says so.
                self.bell()
                self.notify(
                    f"{session.title} asks a question; switch to it to answer. Its turn waits.",
                    title="Question",
                    severity="warning",
                    timeout=15,
                )
        elif isinstance(event, QuestionSettled | TurnCompleted) and session is self.current:
            self._close_stale_dialog(session)
            self._offer_question(session)

    def _offer_question(self, session: SessionController) -> None:
        """Open the dialog for the session's oldest waiting question, unless one is open."""
        pending = session.transcript.pending_questions
        if not pending or isinstance(self.screen, QuestionDialog):
            return
        asked = pending[0]
        self._dialog_for = (session.id, asked.id)
        self.push_screen(
            QuestionDialog(asked, session.title, len(pending)),
            callback=lambda reply: self._question_closed(session, asked, reply),
        )

    def _close_stale_dialog(self, session: SessionController) -> None:
        """The question on screen was settled elsewhere (or its turn ended): close it."""
        if self._dialog_for is None or self._dialog_for[0] != session.id:
            return
        still_pending = {q.id for q in session.transcript.pending_questions}
        if self._dialog_for[1] not in still_pending and isinstance(self.screen, QuestionDialog):
            self._dialog_for = None
            self.screen.settle()

    def _question_closed(self, session: SessionController, asked: AskedQuestion, reply: QuestionReply | None) -> None:
        self._dialog_for = None
        self.refresh_bindings()
        if reply is None or reply.action == "defer":
            return
        if reply.action == "cancel":
            self.run_worker(self._cancel(session), group=f"cancel-{session.id}", exit_on_error=False)
            return
        self.run_worker(self._answer(session, asked, reply.answers), group=f"answer-{session.id}", exit_on_error=False)

    async def _answer(self, session: SessionController, asked: AskedQuestion, answers: tuple[tuple[str, ...], ...]) -> None:
        try:
            await session.answer(asked.id, answers)
        except BackendError as error:
            self.notify(f"{error.message} The question is still waiting (Ctrl+O).", title="Answer not sent", severity="error")

    async def action_next_session(self, step: int) -> None:
        order = list(self.sessions.values())
        if self.current is not None and len(order) > 1:
            await self._switch(order[(order.index(self.current) + step) % len(order)])

    async def action_switch_number(self, number: int) -> None:
        order = list(self.sessions.values())
        if 0 < number <= len(order) and order[number - 1] is not self.current:
            await self._switch(order[number - 1])

    def _tick(self) -> None:
        """Once a second: the clocks of resuming and queued sessions move on."""
        for session in self.sessions.values():
            if session.state in ("resuming", "queued"):
                self._sidebar.refresh_session(session, session.id in self._unread)

    def action_audit_log(self) -> None:
        if self.current is not None:
            self.push_screen(AuditLogScreen(self.current))

    def action_end_session(self) -> None:
        session = self.current
        if session is None or session.state not in ("ready", "idle"):
            return
        question = (
            f"End [b]{escape(session.title)}[/b] on {escape(session.backend.name)}? Its sandbox stops and it "
            "cannot take messages any more. Its transcript and costs stay here, readable."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._end(session), group=f"end-{session.id}", exit_on_error=False)

        self.push_screen(ConfirmScreen(question, yes="End it"), callback=confirmed)

    async def _end(self, session: SessionController) -> None:
        try:
            result = await session.end()
        except BackendError as error:
            self.notify(error.message, title=f"{session.title}: not ended", severity="error")
            return
        unit = session.backend.capabilities.money
        runtime = f" after {result.runtime_ms / 1000:.1f} s of runtime" if result.runtime_ms is not None else ""
        self.notify(f"{session.title} ended{runtime}. Final cost: {format_money(result.cost, unit)}.", title="Session ended")

    def action_answer_question(self) -> None:
        if self.current is not None:
            self._offer_question(self.current)

    def _show_current(self) -> None:
        session = self.current
        if session is None:
            return
        self._usage.show(session)
        self._transcript.show(session.transcript, session.backend.capabilities.money)
        self._composer.border_title = COMPOSER_TITLES[session.state]
        if (session.id, session.state) != self._shown_state:
            self._shown_state = (session.id, session.state)
            self.refresh_bindings()  # "Cancel turn" shows only while a turn runs

    @on(Composer.Submitted)
    def send_message(self, message: Composer.Submitted) -> None:
        session = self.current
        if session is None or session.state not in ("ready", "idle"):
            state = session.state if session else "missing"
            self.notify(
                f"Not sent: the session is {state}. Your message stays in the composer.",
                severity="warning",
            )
            return
        message.composer.clear()
        message.composer.set_history([*message.composer.prompts, message.text])
        self.run_worker(self._send(session, message.text), group=f"session-{session.id}", exit_on_error=False)

    async def _send(self, session: SessionController, text: str) -> None:
        try:
            await session.send(text)
        except BackendError as error:
            self.notify(error.message, title=f"{session.title}: not sent", severity="error", timeout=10)
            composer = self._composer
            if session is self.current and not composer.text.strip():
                composer.text = text  # nothing typed is ever lost
