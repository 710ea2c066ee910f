"""The files of the session on screen (F12): path, size and the turn that wrote it. Enter opens
one in the app (`file_viewer.py`), S saves it into a folder you choose (`save_file.py`), O hands
it to the system's opener where there is one; a snapshotted session's files wait for its sandbox
to resume (W, or the button).

The screen is given what it may do (`FileAccess`) and knows nothing of services or the store.
Paths and contents are the service's data: shown with markup off, never parsed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Button, DataTable, Static

from tui_app.backends.errors import BackendError
from tui_app.ui.screens.file_viewer import FileViewScreen, size_text
from tui_app.ui.screens.save_file import SaveFileScreen
from tui_app.workspace.file_opening import open_copy
from tui_app.workspace.file_saving import UnsafePath
from tui_app.workspace.session_files import SessionFile

__all__ = ["ASLEEP", "FileAccess", "FileViewScreen", "FilesScreen"]

ASLEEP = (
    "This session is snapshotted: its files are only available while its sandbox runs. "
    "Resuming sends a short message (a turn, billed like any other), then lists them."
)


@dataclass(frozen=True, slots=True)
class FileAccess:
    """What the files view may do with one session's files."""

    load: Callable[[], Awaitable[list[SessionFile]]]
    read: Callable[[SessionFile], Awaitable[bytes]]
    resume: Callable[[], Awaitable[str | None]] | None = None
    """Wakes a snapshotted sandbox; returns why it could not, or None once it runs. None: the
    service never snapshots."""
    opener: str | None = None
    """The system's program that opens a file (`xdg-open`, `open`), when it has one."""


class FilesScreen(Dialog[None]):
    CSS_PATH = "files_screen.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="files-close"),
        Binding("s", "save", "Save…", id="files-save"),
        Binding("o", "open_outside", "Open outside", id="files-open-outside"),
        Binding("r", "refresh", "Refresh", id="files-refresh"),
        Binding("w", "resume", "Resume", id="files-resume"),
    ]

    def __init__(self, title: str, session_id: str, access: FileAccess, note: str | None = None, asleep: bool = False) -> None:
        super().__init__()
        self.session_title = title
        self.session_id = session_id
        self.access = access
        self.note = note
        """Said above the list: why some files cannot be there (the session ended, say)."""
        self.asleep = asleep
        """The session is snapshotted: nothing is listed until it resumes."""
        self.folder = Path.cwd()
        """Where the save dialog starts: the current folder, then the last one saved into."""
        self.files: list[SessionFile] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="files-box") as box:
            box.border_title = f"Files of {escape(self.session_title)}"
            yield Static("Loading…", id="files-status", markup=False)
            yield Button("Resume the sandbox and list its files  w", id="files-resume-button", variant="primary")
            table: DataTable[str | Text] = DataTable(id="files-table", cursor_type="row", zebra_stripes=True)
            yield table
            outside = " · o open outside" if self.access.opener else ""
            yield Static(f"⏎ open · s save…{outside} · r refresh · esc close", id="files-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Path", key="path")
        table.add_column("Size", key="size")
        table.add_column("Turn", key="turn")
        table.focus()
        if self.asleep and self.access.resume is not None:
            self._offer_resume(ASLEEP)
        else:
            self._offer_resume(None)
            self.refresh_files()

    def _status(self, text: str) -> None:
        self.query_one("#files-status", Static).update(text)

    def _offer_resume(self, why: str | None) -> None:
        """Show the resume button with `why` above it, or hide it (None)."""
        button = self.query_one("#files-resume-button", Button)
        button.display = why is not None
        self.query_one(DataTable).display = why is None  # an empty table would only distract
        if why is not None:
            self._status(why)
            button.focus()

    @work(exclusive=True, group="files-load")
    async def refresh_files(self) -> None:
        self._status("Loading…")
        try:
            self.files = await self.access.load()
        except (BackendError, LookupError) as error:
            why = f"The files cannot be listed: {error}"
            if self.access.resume is not None:
                self._offer_resume(f"{why} If its sandbox is snapshotted, resume it (w): a short message is sent.")
            else:
                self._status(why)
            return
        table = self.query_one(DataTable)
        table.clear()
        for index, file in enumerate(self.files):
            turn = "—" if file.turn is None else str(file.turn)
            # As Text: a DataTable reads a plain string as markup, and a path is the service's data.
            table.add_row(Text(file.path), size_text(file.size), turn, key=str(index))
        count = len(self.files)
        summary = f"{count} file{'s' if count != 1 else ''}" if count else "No files in this session yet."
        self._status(f"{self.note} {summary}" if self.note else summary)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_outside":
            return self.access.opener is not None
        if action == "resume":
            return self.access.resume is not None and self.query_one("#files-resume-button").display
        return True

    @on(Button.Pressed, "#files-resume-button")
    def _resume_pressed(self) -> None:
        self.action_resume()

    @work(exclusive=True, group="files-resume")
    async def action_resume(self) -> None:
        if self.access.resume is None:
            return
        self._offer_resume(None)
        self.query_one(DataTable).focus()
        self._status("Resuming the sandbox: a short message is on its way; the files follow when the turn ends…")
        problem = await self.access.resume()
        if problem is not None:
            self._offer_resume(f"The sandbox was not resumed: {problem}")
            return
        self.asleep = False
        self.refresh_files()

    def _chosen(self) -> SessionFile | None:
        table = self.query_one(DataTable)
        if not self.files or table.cursor_row < 0 or table.cursor_row >= len(self.files):
            return None
        return self.files[table.cursor_row]

    async def _content(self, file: SessionFile) -> bytes | None:
        try:
            return await self.access.read(file)
        except (BackendError, LookupError) as error:
            self.notify(f"{file.path} could not be read: {error}", severity="error", markup=False)
            return None

    @on(DataTable.RowSelected)
    @work(group="files-open")
    async def open_file(self) -> None:
        file = self._chosen()
        if file is None or (content := await self._content(file)) is None:
            return
        opener = self.access.opener
        outside = (lambda: self.open_outside(file, content)) if opener else None
        self.app.push_screen(FileViewScreen(file.path, content, lambda: self.save_dialog(file, content), outside))

    @work(group="files-save")
    async def action_save(self) -> None:
        file = self._chosen()
        if file is not None and (content := await self._content(file)) is not None:
            self.save_dialog(file, content)

    def save_dialog(self, file: SessionFile, content: bytes) -> None:
        def saved(written: Path | None) -> None:
            if written is None:
                return
            self.folder = written.parents[file.path.count("/")]
            # On the status line too: a toast may be hidden under this dialog.
            self._status(f"Saved {file.path} to {written}")
            self.notify(f"Saved {file.path} to {written}", markup=False)

        self.app.push_screen(SaveFileScreen(file.path, content, self.folder), callback=saved)

    @work(group="files-save")
    async def action_open_outside(self) -> None:
        file = self._chosen()
        if file is not None and (content := await self._content(file)) is not None:
            self.open_outside(file, content)

    def open_outside(self, file: SessionFile, content: bytes) -> None:
        if self.access.opener is None:
            return
        try:
            opened = open_copy(self.access.opener, file.path, content)
        except UnsafePath as error:
            self.notify(f"{error} Nothing was written.", severity="error", markup=False)
        except OSError as error:
            self.notify(f"{file.path} could not be opened: {error.strerror or error}", severity="error", markup=False)
        else:
            self.notify(f"Opened a copy of {file.path} ({opened}) with {Path(self.access.opener).name}.", markup=False)

    def action_refresh(self) -> None:
        if not self.asleep:
            self.refresh_files()

    def action_close(self) -> None:
        self.dismiss(None)
