"""F12: the files view of the session on screen, and the sidebar's mark for new files, mixed
into the App (whose module is kept short).

Files are listed and read through the workspace (`workspace/session_files.py`) and saved where
the user chooses, never outside that folder, never over a file unasked
(`workspace/file_saving.py`). `workspace/new_files.py` marks the sessions whose turns made
files; opening the view clears the mark, and a turn that ends while the view is open lists
them again.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from textual.app import App
from textual.dom import DOMNode

from tui_app.backends.errors import BackendError
from tui_app.core.session_state import TERMINAL
from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.workspace.file_opening import system_opener
from tui_app.workspace.new_files import NewFiles, sandbox_lists
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.session_files import SessionFile, content_of, files_of
from tui_app.workspace.workspace import Workspace


def files_places() -> list[tuple[str, type[DOMNode]]]:
    """Where the files view's keys go in the help catalogue. (Its screens are imported when
    first needed: the file viewer brings markdown-it and Pygments, which the first screen does
    without.)"""
    from tui_app.ui.screens.files_screen import FilesScreen, FileViewScreen
    from tui_app.ui.screens.save_file import ReplaceScreen, SaveFileScreen

    return [("files", FilesScreen), ("file view", FileViewScreen), ("save a file", SaveFileScreen), ("replace a file?", ReplaceScreen)]

ENDED_NOTE = "This session has {state}: its sandbox is gone, so only the files kept here are listed."
RESUME_MESSAGE = "(tui-app) Resuming the sandbox to list its files: a one-line reply is enough."
"""Sent to wake a snapshotted sandbox: the services resume one only for a message."""


class FilesAction:
    """The App's `files` action and the new-files marks; the App has a `workspace`."""

    workspace: Workspace
    new_files: NewFiles | None = None
    """The sidebar's marks for new files (once mounted)."""

    def _on_mount(self) -> None:
        # Textual calls each class's own mount handler: this runs beside the App's `on_mount`.
        if not isinstance(self, App):
            return
        workspace = self.workspace
        self.new_files = NewFiles(
            workspace.changes, lambda session: session.id in workspace.unread, lambda: workspace.current
        )
        self.new_files.checked.subscribe(on_pump(self, self._turn_checked))

    def _on_unmount(self) -> None:
        if self.new_files is not None:
            self.new_files.detach()

    def _turn_checked(self, session: SessionController) -> None:
        """A turn ended and its files are known: the session's row shows its mark now if it
        moved (its figures wait for the row's paced redraw), and a files view showing them lists
        them again."""
        if not isinstance(self, App) or not self.screen_stack:
            return
        for sidebar in self.query(SessionSidebar):
            sidebar.refresh_marks(session, session.id in self.workspace.unread)
        # No files view was ever opened unless its module is loaded: importing it here (1.2 MB,
        # with the file viewer's Markdown widget) to ask would put it in every reply's peak.
        files_screen = sys.modules.get("tui_app.ui.screens.files_screen")
        if files_screen is None:
            return
        FilesScreen = files_screen.FilesScreen  # noqa: N806 -- the class, as an import would name it
        for screen in self.screen_stack:
            if isinstance(screen, FilesScreen) and screen.session_id == session.id and not screen.asleep:
                screen.refresh_files()

    def action_files(self) -> None:
        session = self.workspace.current
        if session is None or not isinstance(self, App):
            return
        from tui_app.ui.screens.files_screen import FileAccess, FilesScreen

        note = ENDED_NOTE.format(state=session.state) if session.state in TERMINAL else None
        asleep = session.state == "idle" and sandbox_lists(session)
        snapshots = session.backend.capabilities.idle_snapshot_ms is not None and session.state not in TERMINAL
        access = FileAccess(
            load=lambda: self._listed(session),
            read=lambda file: content_of(session, file),
            resume=(lambda: self._resumed(session)) if snapshots else None,
            opener=system_opener(),
        )
        if self.new_files is not None:
            self.new_files.looked(session)
        self.push_screen(FilesScreen(session.title, session.id, access, note, asleep))

    async def _listed(self, session: SessionController) -> list[SessionFile]:
        if self.new_files is not None:
            await self.new_files.settled(session)
        files = await files_of(session, self.workspace.store_for(session))
        if (marks := self.new_files) is None:
            return files
        marks.looked(session, [(file.path, file.size) for file in files if file.kept is None] if sandbox_lists(session) else None)
        # The sandbox's list names no turn: the one seen to write a file, where one was.
        return [replace(file, turn=marks.turn_of(session, file.path)) if file.turn is None else file for file in files]

    async def _resumed(self, session: SessionController) -> str | None:
        """Wake the session's sandbox with a message, and follow that turn to its end."""
        if self.workspace.send_needs_confirmation(session) is not None:
            return "the session's budget asks for a confirmation first: send a message from the composer."
        try:
            await self.workspace.send(session, RESUME_MESSAGE)
        except BackendError as error:
            return error.message
        return None
