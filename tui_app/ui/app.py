"""The full-screen app: session sidebar and usage panel, transcript, composer, footer."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header

from tui_app.backends.base import AgentBackend
from tui_app.backends.errors import BackendError
from tui_app.backends.connection import Connection
from tui_app.core.events import (
    DomainEvent,
    PartUpdated,
    QuestionAsked,
    QuestionSettled,
    TurnCompleted,
    UsageReported,
)
from tui_app.core.budget import BudgetCheck, check_budget
from tui_app.core.cost import Cost, summarize, turn_cost
from tui_app.core.transcript import AskedQuestion
from tui_app.core.money import format_money
from tui_app.core.session_state import BUSY
from tui_app.workspace.session_controller import LedgerBook, SessionController
from tui_app.settings.user_settings import LoadedSettings, Settings, config_path
from tui_app.settings.settings_writer import write_settings
from tui_app.persistence.store import Store
from tui_app.ui.keymap import BindingInfo, catalogue, unknown_ids
from tui_app.ui.messages import SessionUpdated
from tui_app.ui.screens.audit_log import AuditLogScreen
from tui_app.ui.remembered import Remembered
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.screens.help import HelpScreen
from tui_app.ui.screens.new_session import NewSessionRequest, NewSessionScreen
from tui_app.ui.screens.export_screen import ExportRequest, ExportScreen
from tui_app.ui.screens.rename import RenameScreen
from tui_app.ui.screens.search import SearchChoice, SearchScreen
from tui_app.ui.screens.settings_screen import SettingsChoice, SettingsScreen
from tui_app.ui.screens.question_dialog import QuestionDialog, QuestionReply
from tui_app.ui.themes import DEFAULT_THEME, load_themes, theme_dirs
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

    CSS_PATH = ["app.tcss", "transcript.tcss"]
    TITLE = "tui-app"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        # Footer words are short so the main keys fit in 80 columns; the tooltip is the full name
        # the help screen and the palette use.
        Binding("escape", "cancel_turn", "Cancel", tooltip="Cancel turn", id="cancel"),
        Binding("ctrl+n", "new_session", "New", tooltip="New session", id="new-session"),
        Binding("ctrl+o", "answer_question", "Answer", tooltip="Answer question", id="answer-question"),
        Binding("ctrl+t", "end_session", "End", tooltip="End session", id="end-session"),
        Binding("ctrl+l", "audit_log", "Audit", tooltip="Audit log", id="audit-log"),
        Binding("f1", "help", "Keys", id="help"),
        Binding("ctrl+end", "jump_to_end", "Jump to the end", show=False, id="jump-to-bottom"),
        Binding("f2", "settings", "Settings", show=False, id="settings"),
        Binding("ctrl+f", "search", "Search", show=False, tooltip="Search every session", id="search"),
        Binding("f9", "export", "Export", show=False, tooltip="Export the session", id="export"),
        Binding("ctrl+r", "rename_session", "Rename session", show=False, id="rename-session"),
        Binding("f8", "delete_history", "Delete local history", show=False, id="delete-history"),
        Binding("ctrl+pagedown", "next_session(1)", "Next session", show=False, id="next-session"),
        Binding("ctrl+pageup", "next_session(-1)", "Previous session", show=False, id="previous-session"),
        *(
            Binding(f"alt+{n}", f"switch_number({n})", f"Session {n}", show=False, id=f"session-{n}")
            for n in range(1, 10)
        ),
    ]

    def __init__(
        self,
        connection: Connection,
        model: str | None = None,
        store: Store | None = None,
        settings: LoadedSettings | None = None,
        remembered: Remembered | None = None,
        more: tuple[Connection, ...] = (),
    ) -> None:
        super().__init__()
        self.connection = connection
        # The backend sessions start on by default first; more that new sessions may choose.
        self.connections = {c.backend: c for c in (connection, *more)}
        self._backends: dict[str, AgentBackend] = {}
        self.store = store
        self.loaded_settings = settings or LoadedSettings(Settings(), config_path())
        self.settings = self.loaded_settings.settings
        self.model = model or self.settings.model
        self.remembered = remembered or Remembered()
        self._problems = [*self.loaded_settings.problems, *self.remembered.problems]
        self._budget_levels: dict[str, str] = {}
        self.book = LedgerBook()
        self.sessions: dict[str, SessionController] = {}
        self.current: SessionController | None = None
        self._backend: AgentBackend | None = None
        self._shown_state: tuple[str, str] | None = None
        self._draft_timer: Timer | None = None
        self._draft = ""
        self._dialog_for: tuple[str, str] | None = None
        self._unread: set[str] = set()
        themes = load_themes([*theme_dirs(), self.loaded_settings.path.parent / "themes"])
        self._problems += themes.problems
        for theme in themes.themes:
            self.register_theme(theme)
        self.theme = self._starting_theme()
        self._remember_theme = True  # from now on a change of theme is the user's choice
        self._apply_keymap()

    def _starting_theme(self) -> str:
        """The theme last picked in the app, else the config file's, else ours."""
        for source, name in (("ui-state.json", self.remembered.theme), ("config.toml", self.settings.theme)):
            if name is None:
                continue
            if name in self.available_themes:
                return name
            self._problems.append(f"theme {name!r} from {source} is not installed; using {DEFAULT_THEME}")
        return DEFAULT_THEME

    def watch_theme(self, theme: str) -> None:
        # A theme picked in the palette is remembered; the user's config.toml is left as it is.
        if getattr(self, "_remember_theme", False) and theme != self.remembered.theme:
            self.remembered.theme = theme
            try:
                self.remembered.save()
            except OSError as error:
                self.notify(f"The theme choice is not kept: {error}", severity="warning")

    def binding_catalogue(self) -> list[BindingInfo]:
        from tui_app.ui.widgets.composer import Composer as ComposerWidget

        places = [
            ("app", type(self)),
            ("composer", ComposerWidget),
            ("transcript (Shift+Tab from the composer)", TranscriptView),
            ("question dialog", QuestionDialog),
            ("audit log", AuditLogScreen),
            ("confirmation", ConfirmScreen),
            ("keys help", HelpScreen),
            ("settings", SettingsScreen),
            ("search", SearchScreen),
            ("export", ExportScreen),
        ]
        return catalogue(places, self.settings.keys)

    def _apply_keymap(self) -> None:
        keys = self.settings.keys
        unknown = unknown_ids(keys, self.binding_catalogue())
        if unknown:
            self._problems.append(
                f"{self.loaded_settings.path}: [keys] has no binding called {', '.join(unknown)}; F1 lists the ids"
            )
        self.set_keymap({k: v for k, v in keys.items() if k not in unknown})

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
        self._usage.budget = self.settings.budget
        self._transcript = self.query_one(TranscriptView)
        self._transcript.frame_rate = self.settings.frame_rate
        self._composer = self.query_one(Composer)
        self._composer.remap(self.settings.keys)
        self.sub_title = f"{self.connection.backend} · {self.connection.where}"
        # The HTTP client belongs to this event loop, so it is made here, not in __init__.
        self._backends = {name: c.open_backend() for name, c in self.connections.items()}
        self._backend = self._backends[self.connection.backend]
        if not self._reopen_sessions():
            self.new_session()
        # Cheap, and rare enough to cost nothing while idle.
        self.set_interval(30, self._check_idle)
        self.set_interval(1, self._tick)
        if self.connection.notice:
            self.notify(self.connection.notice, severity="warning", timeout=10)
        for problem in self._problems:
            self.notify(problem, title="Settings", severity="warning", timeout=15, markup=False)
        self._composer.focus()
        if os.environ.get(EXIT_AFTER_FIRST_PAINT):
            # For timing a cold start as a whole process (benchmarks/cold_start.py).
            # Once a session is on screen and its transcript drawn, exit a little later: an exit
            # right after the refresh can beat the first write to the terminal. (The benchmark
            # times the first screen reaching the terminal, not the exit.)
            def exit_when_painted() -> None:
                if self.current is not None and not self._transcript.rendering:
                    poll.stop()
                    self.set_timer(0.5, self.exit)

            poll = self.set_interval(0.01, exit_when_painted)

    def on_resize(self, event: events.Resize) -> None:
        # On a short terminal (80x24) the side column drops its blank lines, so the session
        # list keeps some rows.
        self.query_one("#side").set_class(event.size.height < 32, "-short")

    def _reopen_sessions(self) -> bool:
        """Bring back every stored session of this backend, as it was; False if there is none."""
        if self.store is None or self._backend is None:
            return False
        # An embedded server in memory (another tui-app holds its store) knows none of the stored
        # local sessions: restoring them would wrongly mark them expired for good.
        by_name = {b.name: b for b in self._backends.values() if self._store_for(b) is not None}
        records = [r for r in self.store.sessions() if r.backend in by_name]
        for record in records:
            session = SessionController.restore(
                record, by_name[record.backend], self.store, on_change=self._session_changed, ledger=self.book
            )
            self.sessions[session.id] = session
            self._sidebar.add_session(session)
            self.run_worker(session.reconnect(), group=f"session-{session.id}", exit_on_error=False)
        if not records:
            return False
        latest = max(self.sessions.values(), key=lambda s: s.created_at)
        self.run_worker(self._switch(latest), group="switch")
        return True

    def _store_for(self, backend: AgentBackend) -> Store | None:
        """Where sessions of `backend` are kept: nowhere if its service forgets them at exit."""
        connection = self.connections.get(backend.name)  # type: ignore[call-overload]
        return self.store if connection is None or connection.persistent else None

    async def on_unmount(self) -> None:
        self._save_draft()
        for session in self.sessions.values():
            session.flush()
        for backend in self._backends.values():
            await backend.aclose()

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
        session = self.current
        store = self._store_for(session.backend) if session is not None else None
        if store is not None and session is not None and session.remote is not None:
            store.save_draft(session.id, self._draft)

    def action_new_session(self) -> None:
        def chosen(request: NewSessionRequest | None) -> None:
            if request is not None:
                self.new_session(request.title, request.backend, request.model)

        self.push_screen(
            NewSessionScreen(self._next_title(), list(self.connections), self.connection.backend, self.model),
            callback=chosen,
        )

    def _next_title(self) -> str:
        return f"Session {len(self.sessions) + 1}"

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
        store = self._store_for(session.backend)
        draft = store.draft(session.id) if store is not None and session.remote is not None else ""
        with composer.prevent(Composer.Changed):
            composer.text = draft
        self._draft = draft
        await self._transcript.reset()
        self._transcript.times = session.message_times
        self._transcript.turn_cost = lambda turn_id: turn_cost(session.book.ledger, session.id, turn_id)
        self._sidebar.select(session.id)
        self._show_current()
        self._offer_question(session)  # a question asked while it was off screen opens now

    def new_session(
        self, title: str | None = None, backend: str | None = None, model: str | None = None
    ) -> SessionController:
        """Start a session on `backend` (default: the app's own) and show it."""
        assert self._backend is not None
        session = SessionController(
            self._backends[backend] if backend else self._backend,
            title=title or self._next_title(),
            on_change=self._session_changed,
            ledger=self.book,
            store=self._store_for(self._backends[backend] if backend else self._backend),
        )
        self.sessions[session.id] = session
        self._sidebar.add_session(session)
        self.run_worker(self._switch(session), group="switch")
        self.run_worker(self._open(session, model or self.model), group=f"session-{session.id}", exit_on_error=False)
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

    async def _open(self, session: SessionController, model: str | None) -> None:
        try:
            idle = self.settings.idle_timeout_s
            await session.open(model, idle * 1000 if idle else None)
        except BackendError as error:
            self.notify(error.message, title=f"{session.title} could not start", severity="error", timeout=10)

    def _session_changed(self, session: SessionController, event: DomainEvent | None) -> None:
        self.post_message(SessionUpdated(session.id, event))

    def on_session_updated(self, message: SessionUpdated) -> None:
        session = self.sessions.get(message.session_id)
        if session is None or not self.screen_stack:
            return  # (no screens: the app is shutting down, and a session still reported)
        event = message.event
        if session is not self.current and isinstance(event, PartUpdated):
            self._unread.add(session.id)
        self._sidebar.refresh_session(session, session.id in self._unread)
        if session is self.current:
            self._show_current()
        elif isinstance(event, UsageReported) and self.current is not None:
            self._usage.show_all_sessions(self.current)  # the total across sessions moved
        if isinstance(event, UsageReported | TurnCompleted):  # a turn that ends unpriced makes the budget unknown
            self._warn_budget(session)
        screen = self.screen
        if isinstance(screen, AuditLogScreen) and screen.session is session and isinstance(event, UsageReported | TurnCompleted):
            screen.show_log()
        if isinstance(event, QuestionAsked):
            if session is self.current:
                self._offer_question(session)
            else:
                # Never silent: a background session that waits for an answer says so (the
                # sidebar marks it even when the bell and notifications are turned off).
                if self.settings.bell:
                    self.bell()
                if self.settings.notifications:
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

    async def action_jump_to_end(self) -> None:
        await self._transcript.action_jump_to_end()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_catalogue(), str(self.loaded_settings.path)))

    def action_settings(self) -> None:
        if isinstance(self.screen, SettingsScreen):
            return
        screen = SettingsScreen(self.settings, sorted(self.available_themes), str(self.loaded_settings.path))
        self.push_screen(screen, callback=self._settings_chosen)

    def _settings_chosen(self, choice: SettingsChoice | None) -> None:
        if choice is None:
            return
        self.apply_settings(choice.settings)
        if not choice.save:
            self.notify("Settings applied to this run.")
            return
        path = self.loaded_settings.path

        def confirmed(yes: bool | None) -> None:
            if not yes:
                self.notify("Applied to this run only; config.toml is unchanged.")
                return
            try:
                write_settings(path, choice.changes)
            except OSError as error:
                self.notify(f"Not saved: {error}", severity="error", markup=False)
                return
            self.notify(f"Saved to {path}.", markup=False)

        question = (
            f"Write these settings to [b]{escape(str(path))}[/b]? Comments and settings not in the form "
            "stay as they are."
        )
        self.push_screen(ConfirmScreen(question, yes="Write"), callback=confirmed)

    def apply_settings(self, settings: Settings) -> None:
        """Use `settings` from now on (new sessions, budgets, keys, theme)."""
        self.settings = self.loaded_settings.settings = settings
        self._usage.budget = settings.budget
        self._transcript.frame_rate = settings.frame_rate
        self._composer.remap(settings.keys)
        self.set_keymap(settings.keys)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self._show_current()

    def action_search(self) -> None:
        if self.store is None:
            self.notify("Nothing is kept in this run, so there is nothing to search.", severity="warning")
            return
        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(self.store), callback=self._search_chosen)

    def _search_chosen(self, choice: SearchChoice | None) -> None:
        if choice is None:
            return
        session_id, message_id = choice
        session = self.sessions.get(session_id)
        if session is None:
            record = self.store.session(session_id) if self.store is not None else None
            where = f"the {record.backend} backend" if record is not None else "another backend"
            self.notify(
                f"That message is in a session of {where}: start tui-app with --backend to open it, "
                "or read it with `tui-app export`.",
                severity="warning",
                markup=False,
            )
            return
        self.run_worker(self._reveal(session, message_id), group="switch")

    async def _reveal(self, session: SessionController, message_id: str) -> None:
        if session is not self.current:
            await self._switch(session)
        await self._transcript.reveal(message_id)

    def action_export(self) -> None:
        from tui_app.workspace.export import suggested_name

        session = self.current
        store = self._store_for(session.backend) if session is not None else None
        record = store.session(session.id) if store is not None and session is not None else None
        if session is None or store is None or record is None:
            self.notify("This session is not kept, so there is nothing to export yet.", severity="warning")
            return
        names = {fmt: suggested_name(record, fmt) for fmt in ("md", "json")}
        self.push_screen(
            ExportScreen(session.title, Path.cwd(), names),
            callback=lambda request: self._export(session, store, request),
        )

    def _export(self, session: SessionController, store: Store, request: ExportRequest | None) -> None:
        from tui_app.workspace.export import load, render

        if request is None:
            return
        session.flush()  # what is on screen is in the export
        try:
            request.path.write_text(render(load(store, session.id), request.format), encoding="utf-8")
        except OSError as error:
            self.notify(f"Not exported: {error}", severity="error", markup=False)
            return
        self.notify(f"{session.title} exported to {request.path}.", title="Export", markup=False)

    def action_rename_session(self) -> None:
        session = self.current
        if session is None:
            return

        def renamed(title: str | None) -> None:
            if title and title != session.title:
                session.rename(title)

        self.push_screen(RenameScreen(session.title), callback=renamed)

    def action_delete_history(self) -> None:
        """Forget a finished session here (the service is not asked to do anything)."""
        session = self.current
        if session is None:
            return
        if session.state not in ("ended", "expired", "failed"):
            self.notify(
                f"{session.title} is still live on {session.backend.name}: end it first (Ctrl+T), "
                "then delete its local history.",
                title="Not deleted",
                severity="warning",
                markup=False,
            )
            return
        question = (
            f"Delete the local history of [b]{escape(session.title)}[/b]? Its transcript, costs and audit "
            "log are removed from this computer for good."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._delete_history(session), group="switch")

        self.push_screen(ConfirmScreen(question, yes="Delete"), callback=confirmed)

    async def _delete_history(self, session: SessionController) -> None:
        if self.store is not None:
            self.store.delete_session(session.id)
        del self.sessions[session.id]
        self._unread.discard(session.id)
        self._sidebar.remove_session(session.id)
        self.notify(f"{session.title}: local history deleted.", markup=False)
        if self.current is session:
            self.current = None
            if self.sessions:
                await self._switch(list(self.sessions.values())[-1])
            else:
                self.new_session()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the app, by the name the footer and the help screen give it."""
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.id in (None, "quit") or "(" in binding.action:
                continue
            if self.check_action(binding.action, ()) is False:
                continue
            keys = self.settings.keys.get(binding.id, binding.key) if binding.id else binding.key
            title = binding.tooltip or binding.description
            yield SystemCommand(title, f"{keys} · {binding.id}", getattr(self, f"action_{binding.action}"))
        yield SystemCommand("Next session", "ctrl+pagedown", lambda: self.run_action("next_session(1)"))
        yield SystemCommand("Previous session", "ctrl+pageup", lambda: self.run_action("next_session(-1)"))
        for number, session in enumerate(self.sessions.values(), start=1):
            if session is not self.current:
                yield SystemCommand(
                    f"Switch to {session.title}", f"alt+{number}" if number < 10 else "", self._switcher(session)
                )

    def _switcher(self, session: SessionController) -> Callable[[], Awaitable[None]]:
        async def switch() -> None:
            if session.id in self.sessions:
                await self._switch(session)

        return switch

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
        check = self.budget_check(session)
        if check.level != "over":
            self._accept_send(session, message.text)
            return

        def confirmed(yes: bool | None) -> None:
            # The session may have moved on while the question was open.
            if yes and session.state in ("ready", "idle"):
                self._accept_send(session, message.text)

        question = f"{escape(check.sentence(session.title))}\nSend anyway? Your message stays in the composer if not."
        self.push_screen(ConfirmScreen(question, yes="Send anyway"), callback=confirmed)

    def _accept_send(self, session: SessionController, text: str) -> None:
        composer = self._composer
        if session is self.current and composer.text == text:
            composer.clear()
        composer.set_history([*composer.prompts, text])
        self.run_worker(self._send(session, text), group=f"session-{session.id}", exit_on_error=False)

    def budget_check(self, session: SessionController) -> BudgetCheck:
        """Dollars only: credits (Stewrd) are not money the budget can compare."""
        budget = self.settings.budget
        costs = summarize(self.book.ledger)
        return check_budget(
            costs.session(session.id, "micros").cost if session.backend.capabilities.money == "micros" else Cost(0, "micros"),
            costs.overall.get("micros"),
            budget.session_micros,
            budget.overall_micros,
            budget.warn_ratio,
        )

    def _warn_budget(self, session: SessionController) -> None:
        """Say so once when spending nears or reaches a budget, not at every usage report."""
        check = self.budget_check(session)
        key = session.id if check.scope == "session" else "overall"
        if check.level == "ok" or self._budget_levels.get(key) == check.level:
            return
        self._budget_levels[key] = check.level
        self.notify(
            check.sentence(session.title) + (" The next send asks first." if check.level == "over" else ""),
            title="Budget",
            severity="error" if check.level == "over" else "warning",
            timeout=15,
            markup=False,
        )

    async def _send(self, session: SessionController, text: str) -> None:
        try:
            await session.send(text)
        except BackendError as error:
            self.notify(error.message, title=f"{session.title}: not sent", severity="error", timeout=10)
            composer = self._composer
            if session is self.current and not composer.text.strip():
                composer.text = text  # nothing typed is ever lost
