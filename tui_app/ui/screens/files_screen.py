"""The files of the session on screen (F12): path, size and the turn that wrote it; Enter opens a
text file in a scrollable view, S saves the chosen file into the current directory.

The screen is given three calls (list, read, save) and knows nothing of services or the store.
Paths and contents are the service's data: shown with markup off, never parsed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, TextArea

from tui_app.backends.errors import BackendError
from tui_app.workspace.file_saving import AlreadyThere, UnsafePath
from tui_app.workspace.session_files import SessionFile

TEXT_SNIFF_BYTES = 8192
"""How much of a file is looked at to tell text from binary (a NUL byte there means binary)."""


def as_text(content: bytes) -> str | None:
    """The file as text, or None when it is binary (a NUL byte early on, or not UTF-8)."""
    if b"\x00" in content[:TEXT_SNIFF_BYTES]:
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def size_text(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KiB" if size < 1024**2 else f"{size / 1024**2:.1f} MiB"


class FileViewScreen(ModalScreen[None]):
    """One text file, read-only: it scrolls, and a selection can be copied."""

    CSS_PATH = "files_screen.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close", id="file-view-close")]

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="file-view-box") as box:
            box.border_title = escape(self.path)  # a border title is markup
            yield TextArea(self.text, read_only=True, soft_wrap=True, show_line_numbers=False, id="file-text")
            yield Static("esc close · select text, then Ctrl+C to copy", id="file-view-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class FilesScreen(ModalScreen[None]):
    CSS_PATH = "files_screen.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="files-close"),
        Binding("s", "save", "Save here", id="files-save"),
        Binding("r", "refresh", "Refresh", id="files-refresh"),
    ]

    def __init__(
        self,
        title: str,
        load: Callable[[], Awaitable[list[SessionFile]]],
        read: Callable[[SessionFile], Awaitable[bytes]],
        save: Callable[[SessionFile, bytes], Path],
        note: str | None = None,
    ) -> None:
        super().__init__()
        self.note = note
        """Said above the list: why some files cannot be there (the session ended, say)."""
        self.session_title = title
        self._load = load
        self._read = read
        self._save = save
        self.files: list[SessionFile] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="files-box") as box:
            box.border_title = f"Files of {escape(self.session_title)}"
            yield Static("Loading…", id="files-status", markup=False)
            table: DataTable[str] = DataTable(id="files-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static("⏎ open · s save to the current folder · r refresh · esc close", id="files-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Path", key="path")
        table.add_column("Size", key="size")
        table.add_column("Turn", key="turn")
        table.focus()
        self.refresh_files()

    def _status(self, text: str) -> None:
        self.query_one("#files-status", Static).update(text)

    @work(exclusive=True, group="files-load")
    async def refresh_files(self) -> None:
        self._status("Loading…")
        try:
            self.files = await self._load()
        except (BackendError, LookupError) as error:
            self._status(f"The files cannot be listed: {error}")
            return
        table = self.query_one(DataTable)
        table.clear()
        for index, file in enumerate(self.files):
            turn = "—" if file.turn is None else str(file.turn)
            table.add_row(file.path, size_text(file.size), turn, key=str(index))
        count = len(self.files)
        summary = f"{count} file{'s' if count != 1 else ''}" if count else "No files in this session yet."
        self._status(f"{self.note} {summary}" if self.note else summary)

    def _chosen(self) -> SessionFile | None:
        table = self.query_one(DataTable)
        if not self.files or table.cursor_row < 0 or table.cursor_row >= len(self.files):
            return None
        return self.files[table.cursor_row]

    async def _content(self, file: SessionFile) -> bytes | None:
        try:
            return await self._read(file)
        except (BackendError, LookupError) as error:
            self.notify(f"{file.path} could not be read: {error}", severity="error", markup=False)
            return None

    @on(DataTable.RowSelected)
    @work(group="files-open")
    async def open_file(self) -> None:
        file = self._chosen()
        if file is None or (content := await self._content(file)) is None:
            return
        text = as_text(content)
        if text is None:
            self.notify(f"{file.path} is not text; press s to save it.", markup=False)
            return
        self.app.push_screen(FileViewScreen(file.path, text))

    @work(group="files-save")
    async def action_save(self) -> None:
        file = self._chosen()
        if file is None or (content := await self._content(file)) is None:
            return
        try:
            written = self._save(file, content)
        except UnsafePath as error:
            self.notify(f"{error} Nothing was written.", severity="error", markup=False)
        except AlreadyThere as error:
            self._status(f"{error} Not replaced.")
            self.notify(f"{error} Not replaced.", severity="warning", markup=False)
        except OSError as error:
            self.notify(f"{file.path} could not be saved: {error.strerror or error}", severity="error", markup=False)
        else:
            # On the status line too: a toast may be hidden under this dialog.
            self._status(f"Saved {file.path} to {written}")
            self.notify(f"Saved {file.path} to {written}", markup=False)

    def action_refresh(self) -> None:
        self.refresh_files()

    def action_close(self) -> None:
        self.dismiss(None)
