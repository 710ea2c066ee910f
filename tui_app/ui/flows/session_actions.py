"""What the user does to a session, each behind its dialog: end, rename, export, delete its local
history, and open a search result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.markup import escape

from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

if TYPE_CHECKING:  # (the screens are imported when first opened: not before the first paint)
    from tui_app.ui.screens.export_screen import ExportRequest
    from tui_app.ui.screens.search import SearchChoice

Switch = Callable[[SessionController], Awaitable[None]]


class SessionActions:
    def __init__(self, app: App[None], workspace: Workspace, switch: Switch, reveal: Callable[[str], Awaitable[None]]) -> None:
        self.app = app
        self.workspace = workspace
        self._switch = switch
        self._reveal_message = reveal

    def end(self, session: SessionController) -> None:
        if not self.workspace.can_end(session):
            return
        question = (
            f"End [b]{escape(session.title)}[/b] on {escape(session.backend.name)}? Its sandbox stops and it "
            "cannot take messages any more. Its transcript and costs stay here, readable."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.workspace.start_end(session)

        self.app.push_screen(ConfirmScreen(question, yes="End it"), callback=confirmed)

    def rename(self, session: SessionController) -> None:
        from tui_app.ui.screens.rename import RenameScreen

        self.app.push_screen(RenameScreen(session.title), callback=lambda title: self.workspace.rename(session, title or ""))

    def export(self, session: SessionController) -> None:
        from tui_app.ui.screens.export_screen import ExportScreen

        names = self.workspace.export_names(session)
        if names is None:
            self.app.notify("This session is not kept, so there is nothing to export yet.", severity="warning")
            return
        self.app.push_screen(
            ExportScreen(session.title, Path.cwd(), names), callback=lambda request: self._export(session, request)
        )

    def _export(self, session: SessionController, request: ExportRequest | None) -> None:
        if request is None:
            return
        try:
            self.workspace.export(session, request.path, request.format)
        except OSError as error:
            self.app.notify(f"Not exported: {error}", severity="error", markup=False)
            return
        self.app.notify(f"{session.title} exported to {request.path}.", title="Export", markup=False)

    def delete_history(self, session: SessionController) -> None:
        """Forget a finished session here (the service is not asked to do anything)."""
        if not self.workspace.deletable(session):
            self.app.notify(
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
                self.app.run_worker(self._delete(session), group="switch")

        self.app.push_screen(ConfirmScreen(question, yes="Delete"), callback=confirmed)

    async def _delete(self, session: SessionController) -> None:
        was_current = session is self.workspace.current
        following = self.workspace.delete_history(session)
        if following is None:
            self.app.run_worker(self._switch(self.workspace.new_session()), group="switch")
        elif was_current:
            await self._switch(following)

    def search(self) -> None:
        from tui_app.ui.screens.search import SearchScreen

        search = self.workspace.search
        if search is None:
            self.app.notify("Nothing is kept in this run, so there is nothing to search.", severity="warning")
            return
        if not isinstance(self.app.screen, SearchScreen):
            self.app.push_screen(SearchScreen(search), callback=self._search_chosen)

    def _search_chosen(self, choice: SearchChoice | None) -> None:
        search = self.workspace.search
        if choice is None or search is None:
            return
        session_id, message_id = choice
        session = self.workspace.sessions.get(session_id)
        if session is None:
            backend = search.backend_of(session_id)
            where = f"the {backend} backend" if backend is not None else "another backend"
            self.app.notify(
                f"That message is in a session of {where}: start tui-app with --backend to open it, "
                "or read it with `tui-app export`.",
                severity="warning",
                markup=False,
            )
            return
        self.app.run_worker(self._reveal(session, message_id), group="switch")

    async def _reveal(self, session: SessionController, message_id: str) -> None:
        if session is not self.workspace.current:
            await self._switch(session)
        await self._reveal_message(message_id)
