"""The App's dialogs and F-key screens that need nothing but the App to open, and the key list
(F1, the `[keys]` check) that names every screen, kept out of ui/app.py.

Each screen's module is imported when the screen is first opened (or the key list first made):
the first screen after launch is painted with Textual and the main screen's widgets alone, and
the screens behind keys (with markdown-it, Pygments, plotext behind some) come after (issue 16).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

from textual.app import App
from textual.dom import DOMNode

from tui_app.ui.app_cockpit import cockpit_places
from tui_app.ui.flows.files_flow import files_places
from tui_app.ui.keymap import BindingInfo, catalogue, keymap_problems, unknown_ids
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

if TYPE_CHECKING:
    from tui_app.settings.user_settings import LoadedSettings
    from tui_app.ui.flows.notices import NoticeBoard
    from tui_app.ui.screens.new_session import NewSessionRequest
    from tui_app.workspace.session_controller import SessionController
    from tui_app.workspace.workspace import Workspace


def screen_places() -> list[tuple[str, type[DOMNode]]]:
    """Where the keys of the screens that are not the main one go in the key list."""
    from tui_app.ui.screens.audit_log import AuditLogScreen
    from tui_app.ui.screens.confirm import ConfirmScreen
    from tui_app.ui.screens.export_screen import ExportScreen
    from tui_app.ui.screens.help import HelpScreen
    from tui_app.ui.screens.notice_history import NoticeHistoryScreen
    from tui_app.ui.screens.question_dialog import QuestionDialog
    from tui_app.ui.screens.search import SearchScreen
    from tui_app.ui.screens.settings_screen import SettingsScreen

    return [
        ("question dialog", QuestionDialog),
        ("audit log", AuditLogScreen),
        ("confirmation", ConfirmScreen),
        ("keys help", HelpScreen),
        ("notifications", NoticeHistoryScreen),
        ("settings", SettingsScreen),
        ("search", SearchScreen),
        ("export", ExportScreen),
        *files_places(),
        *cockpit_places(),
    ]


class ScreenActions(App[None]):
    """Mixed into the App, which has the workspace, its settings, its notices and `new_session`."""

    workspace: Workspace
    loaded_settings: LoadedSettings
    notices: NoticeBoard
    _problems: list[str]
    new_session: Callable[[str | None, str | None, str | None], SessionController]
    action_switch_number: Callable[[int | None], Awaitable[None]]

    def binding_catalogue(self) -> list[BindingInfo]:
        places = [
            ("app", type(self)),
            ("composer", Composer),
            ("transcript (Shift+Tab from the composer)", TranscriptView),
            *screen_places(),
        ]
        return catalogue(places, self.workspace.settings.keys)

    def _apply_keymap(self) -> None:
        # Textual applies a keymap by binding id and passes over the ids it does not have, so the
        # keys work from the first frame; checking them against every screen's keys imports every
        # screen, which waits until the start's problems are shown (`startup_problems`).
        if keys := self.workspace.settings.keys:
            self.set_keymap(dict(keys))

    def startup_problems(self) -> Iterator[str]:
        """What start-up found, read when it is shown (after the first paint when the app
        connects then): the problems so far, then the `[keys]` check (unknown ids, conflicts),
        whose unknown ids are then taken out of the keymap, as they never were in it."""
        yield from self._problems
        keys = self.workspace.settings.keys
        if not keys:  # nothing remapped, nothing to check: the key list (every screen) waits for F1
            return
        known = self.binding_catalogue()
        if unknown := unknown_ids(keys, known):
            self.set_keymap({k: v for k, v in keys.items() if k not in unknown})
        yield from keymap_problems(keys, known, str(self.loaded_settings.path))

    def action_new_session(self) -> None:
        from tui_app.ui.screens.new_session import NewSessionScreen

        def chosen(request: NewSessionRequest | None) -> None:
            if request is not None:
                self.new_session(request.title, request.backend, request.model)

        workspace = self.workspace
        screen = NewSessionScreen(workspace.next_title(), list(workspace.connections), workspace.connection.backend, workspace.model)
        self.push_screen(screen, callback=chosen)

    def action_go_to(self) -> None:
        from tui_app.ui.screens.go_to import GoToScreen

        self.push_screen(GoToScreen(len(self.workspace.sessions)), callback=self.action_switch_number)

    def action_audit_log(self) -> None:
        from tui_app.ui.screens.audit_log import AuditLogScreen

        if self.workspace.current is not None:
            self.push_screen(AuditLogScreen(self.workspace.current, self.workspace.changes))

    def action_help(self) -> None:
        from tui_app.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_catalogue(), str(self.loaded_settings.path)))

    def action_notice_history(self) -> None:
        from tui_app.ui.screens.notice_history import NoticeHistoryScreen

        self.push_screen(NoticeHistoryScreen(self.notices.history))  # (F3 there closes it)
