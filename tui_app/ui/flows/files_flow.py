"""F12: the files view of the session on screen, mixed into the App (whose module is kept short).

Files are listed and read through the workspace (`workspace/session_files.py`), and saved into
the current directory, never outside it, never over a file (`workspace/file_saving.py`).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.dom import DOMNode

from tui_app.core.session_state import TERMINAL
from tui_app.ui.screens.files_screen import FilesScreen, FileViewScreen
from tui_app.workspace.file_saving import save_into
from tui_app.workspace.session_files import SessionFile, content_of, files_of
from tui_app.workspace.workspace import Workspace

FILES_PLACES: list[tuple[str, type[DOMNode]]] = [("files", FilesScreen), ("file view", FileViewScreen)]
"""Where the files view's keys go in the help catalogue."""


ENDED_NOTE = "This session has {state}: its sandbox is gone, so only the files kept here are listed."


def save_here(file: SessionFile, content: bytes) -> Path:
    return save_into(Path.cwd(), file.path, content)


class FilesAction:
    """The App's `files` action; the App has a `workspace`."""

    workspace: Workspace

    def action_files(self) -> None:
        session = self.workspace.current
        if session is None or not isinstance(self, App):
            return
        store = self.workspace.store_for(session)
        note = ENDED_NOTE.format(state=session.state) if session.state in TERMINAL else None
        load, read = (lambda: files_of(session, store)), (lambda file: content_of(session, file))
        self.push_screen(FilesScreen(session.title, load, read, save_here, note))
