"""The full-screen app: session sidebar and usage panel, transcript, composer, footer.

It composes the screen, binds keys and forwards them: what a session is and what happens to it
belongs to the workspace (`tui_app.workspace`), which the views follow (`ui/flows/`).
"""

from __future__ import annotations

from collections.abc import Iterable
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Header, Static

from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import LoadedSettings, Settings, config_path
from tui_app.ui.app_bindings import APP_BINDINGS
from tui_app.ui.flows.files_flow import FilesAction
from tui_app.ui.flows.early_keys import EarlyKeys
from tui_app.ui.app_cockpit import CockpitApp
from tui_app.ui.app_screens import ScreenActions
from tui_app.ui.flows.first_paint import begin, exit_after_first_paint_if_asked, listed_at_start
from tui_app.ui.flows.notice_rules import NoticeRules
from tui_app.ui.flows.notices import NoticeBoard
from tui_app.ui.flows.questions import QuestionFlow
from tui_app.ui.flows.report_actions import ReportActions
from tui_app.ui.flows.sending import SendFlow
from tui_app.ui.flows.session_actions import SessionActions
from tui_app.ui.flows.session_view import SessionView
from tui_app.ui.flows.settings_flow import SettingsFlow
from tui_app.ui.flows.storage_flow import StorageFlow
from tui_app.ui.flows.waiting_clock import WaitingClock
from tui_app.ui.palette import app_commands
from tui_app.ui.remembered import Remembered
from tui_app.ui.theme_choice import starting_theme
from tui_app.ui.themes import load_themes, theme_dirs
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.blank_containers import BlankScreen, BlankVertical
from tui_app.ui.widgets.footer import Footer
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.ui.widgets.side_column import MainRow, SideColumn
from tui_app.ui.widgets.storage_banner import StorageBanner
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tui_app.ui.widgets.usage_panel import UsagePanel
from tui_app.workspace.connecting import Connecting, is_open
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Store, Workspace


class TuiApp(EarlyKeys, ReportActions, FilesAction, ScreenActions, CockpitApp):
    """One window onto many agent sessions."""

    CSS_PATH = ["app.tcss", "widgets/transcript/transcript.tcss"]
    TITLE = "tui-app"
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        connection: Connection,
        model: str | None = None,
        store: Store | None = None,
        settings: LoadedSettings | None = None,
        remembered: Remembered | None = None,
        more: tuple[Connection, ...] = (),
        connecting: Connecting | None = None,  # the live `connection` (and more), after the first paint
    ) -> None:
        super().__init__()
        self.connecting = connecting
        self.loaded_settings = settings or LoadedSettings(Settings(), config_path())
        self.store = store  # (the transcript keeps its clipboard file beside it)
        self.workspace = Workspace((connection, *more), store, self.loaded_settings.settings, model)
        self.remembered = remembered or Remembered()
        self.notices = NoticeBoard(self)  # every notification, the App's own included (`notify`)
        themes = load_themes([*theme_dirs(), self.loaded_settings.path.parent / "themes"])
        self._problems = [*self.loaded_settings.problems, *self.remembered.problems, *themes.problems]
        for theme in themes.themes:
            self.register_theme(theme)
        self.theme, theme_problems = starting_theme(self.available_themes, self.remembered.theme, self.settings.theme)
        self._problems += theme_problems
        self._remember_theme = True  # from now on a change of theme is the user's choice
        self._apply_keymap()

    @property
    def settings(self) -> Settings:
        return self.workspace.settings

    @property
    def current(self) -> SessionController | None:
        return self.workspace.current

    @property
    def sessions(self) -> dict[str, SessionController]:
        return self.workspace.sessions

    def watch_theme(self, theme: str) -> None:
        # A theme picked in the palette is remembered; the user's config.toml is left as it is.
        if getattr(self, "_remember_theme", False) and theme != self.remembered.theme:
            self.remembered.theme = theme
            try:
                self.remembered.save()
            except OSError as error:
                self.notify(f"The theme choice is not kept: {error}", severity="warning", markup=False)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True) -> None:  # fmt: skip
        self.notices.show(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_default_screen(self) -> Screen:
        return BlankScreen(id="_default")  # (memory: blank_containers.py)

    def compose(self) -> ComposeResult:
        yield Header()
        yield StorageBanner()
        with MainRow(id="main"):
            with SideColumn(id="side"):
                yield SessionSidebar(listed_at_start(self.workspace, self.connecting))
                yield UsagePanel()
            with BlankVertical(id="chat"):
                yield Static(id="session-title", markup=False)  # a title is the user's (or service's) text
                yield TranscriptView(id="transcript")
                yield Composer(id="composer")
        yield Footer()

    def on_mount(self) -> None:
        # Held, not queried: `query_one` looks at the screen on top, which may be a dialog.
        self._usage = self.query_one(UsagePanel)
        self._usage.budget = self.settings.budget
        self._transcript = self.query_one(TranscriptView)
        self._transcript.frame_rate = self.settings.frame_rate
        self._composer = self.query_one(Composer)
        self._composer.remap(self.settings.keys)
        workspace = self.workspace
        self.sub_title = f"{workspace.connection.backend} · {workspace.connection.where}"
        self._questions = QuestionFlow(self, workspace, self.notices)
        self._view = SessionView(
            self, workspace, self.query_one(SessionSidebar), self._usage, self._transcript, self._composer, self.remembered,
            on_switched=self._questions.offer,  # a question asked while it was off screen opens now
        )  # fmt: skip
        self._sending = SendFlow(self, workspace, self._composer)
        self._actions = SessionActions(self, workspace, self._view.switch, self._transcript.reveal)
        self._settings_flow = SettingsFlow(self, self.loaded_settings, self.apply_settings)
        self._storage = StorageFlow(self, workspace, self.query_one(StorageBanner), self._view.switch, self.new_session)
        self._notice_rules = NoticeRules(self, workspace, self.notices)
        self._clock = WaitingClock(self, workspace, self._view.tick)  # (only while a session waits)
        begin(self, self._view, self.connecting, self.new_session, self.notices, self.startup_problems())
        self.set_interval(30, workspace.check_idle)  # cheap, and rare enough to cost nothing while idle
        self._composer.focus()
        exit_after_first_paint_if_asked(self, self._view)

    async def on_unmount(self) -> None:
        for flow in (self._view, self._questions, self._sending, self._storage, self._notice_rules, self._clock):
            flow.detach()
        await self.workspace.aclose()

    async def action_quit(self) -> None:
        await self._storage.quit()  # (the palette's "Quit" too) asks first if changes would be lost

    def new_session(self, title: str | None = None, backend: str | None = None, model: str | None = None) -> SessionController:
        """Start a session on `backend` (default: the app's own) and show it."""
        session = self.workspace.new_session(title, backend, model)
        self.run_worker(self._view.switch(session), group="switch")
        return session

    @on(Composer.Changed)
    def _draft_changed(self, event: Composer.Changed) -> None:
        self.workspace.draft_changed(self._composer.full_text)  # a collapsed paste is kept in full

    @on(Composer.Submitted)
    def send_message(self, message: Composer.Submitted) -> None:
        self._sending.submit(message.text, message.attachments)

    @on(Composer.SessionKey)
    async def _session_key(self, message: Composer.SessionKey) -> None:
        await self.action_switch_number(message.number)

    @on(SessionSidebar.Chosen)
    async def switch_to(self, message: SessionSidebar.Chosen) -> None:
        await self._view.show_other(self.sessions.get(message.session_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end_session":
            return self.workspace.can_end(self.current)
        if action == "answer_question":
            return self.current is not None and bool(self.current.transcript.pending_questions)
        if action == "cancel_turn":
            return self.workspace.can_cancel(self.current)
        return action != "new_session" or is_open(self.workspace)  # (no session starts while connecting)

    def action_cancel_turn(self) -> None:
        if self.current is not None:
            self.workspace.cancel(self.current)

    def action_answer_question(self) -> None:
        if self.current is not None:
            self._questions.offer(self.current, asked=True)

    async def action_next_session(self, step: int) -> None:
        if (session := self.workspace.step(step)) is not None:
            await self._view.switch(session)

    async def action_switch_number(self, number: int | None) -> None:
        await self._view.show_other(self.workspace.numbered(number) if number else None)

    def action_toggle_side(self) -> None:
        self._view.toggle_side()

    def action_end_session(self) -> None:
        if self.current is not None:
            self._actions.end(self.current)

    def action_rename_session(self) -> None:
        if self.current is not None:
            self._actions.rename(self.current)

    def action_export(self) -> None:
        if self.current is not None:
            self._actions.export(self.current)

    def action_delete_history(self) -> None:
        if self.current is not None:
            self._actions.delete_history(self.current)

    def action_search(self) -> None:
        self._actions.search()

    async def action_jump_to_end(self) -> None:
        await self._transcript.action_jump_to_end()

    def action_settings(self) -> None:
        self._settings_flow.open(self.settings)

    def apply_settings(self, settings: Settings) -> None:
        """Use `settings` from now on (new sessions, budgets, keys, theme)."""
        self.workspace.settings = self.loaded_settings.settings = settings
        self._usage.budget = settings.budget
        self._transcript.frame_rate = settings.frame_rate
        self._composer.remap(settings.keys)
        self.set_keymap(settings.keys)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self._view.show_current()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the app, by the name the footer and the help screen give it."""
        yield from super().get_system_commands(screen)
        yield from app_commands(self, self.BINDINGS, self.settings.keys, self.workspace, self._view.switch)
