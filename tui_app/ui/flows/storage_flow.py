"""The screen follows the store's health: a banner while changes are not on disk, a word when
they all are, a question before quitting would lose some, and another view when the session on
screen was deleted by another program."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.app import App
from textual.markup import escape

from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.widgets.storage_banner import StorageBanner
from tui_app.workspace.changes import StorageStatus
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

# On quit, how long to wait for the writer to finish what it was given: bounded, since a store
# that fails for longer is the user's call (asked), not a hang.
QUIT_SAVE_SECONDS = 5.0


class StorageFlow:
    def __init__(
        self,
        app: App[None],
        workspace: Workspace,
        banner: StorageBanner,
        switch: Callable[[SessionController], Awaitable[None]],
        new_session: Callable[[], object],
    ) -> None:
        self.app = app
        self.workspace = workspace
        self.banner = banner
        self._switch = switch
        self._new_session = new_session
        self._asking = False
        banner.show_status(workspace.storage_status)
        self._unsubscribe = workspace.storage.subscribe(on_pump(app, self._status))

    def detach(self) -> None:
        self._unsubscribe()

    def _status(self, status: StorageStatus) -> None:
        if not self.app.screen_stack:
            return
        was_shown = self.banner.display
        self.banner.show_status(status)
        if was_shown and not status.behind:
            self.app.notify("Everything is saved now.", title="Saved", timeout=5)
        if self.workspace.current is None:  # the one on screen was deleted by another program
            following = self.workspace.order[-1] if self.workspace.sessions else None
            if following is None:
                self._new_session()
            else:
                self.app.run_worker(self._switch(following), group="switch")

    async def quit(self) -> None:
        """Quit once everything is written; if it cannot be, ask first."""
        if self._asking:
            return
        if await self.workspace.save_all(QUIT_SAVE_SECONDS):
            self.app.exit()
            return
        unsaved = self.workspace.unsaved()
        problem = self.workspace.storage_status.health.problem or "still being written"
        question = (
            f"[b]{unsaved} change{'s are' if unsaved != 1 else ' is'} not saved[/b] ({escape(problem)}). "
            "They are kept in memory while the app runs and written as soon as the store allows; "
            "quitting now loses them."
        )

        def answered(yes: bool | None) -> None:
            self._asking = False
            if yes:
                self.app.exit()

        self._asking = True
        self.app.push_screen(ConfirmScreen(question, yes="Quit anyway"), callback=answered)
