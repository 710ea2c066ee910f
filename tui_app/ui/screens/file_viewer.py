"""One of a session's files, opened in the app: Markdown rendered, other text as text, both
scrollable, C copies the whole text; a binary file is said to be one and offered for saving.

The content is the service's data: every character cleaned as network text is (escape
sequences removed, invisible ones shown), shown with markup off, and a link in it is not
followed on a click.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widget import Widget
from textual.widgets import Markdown, Static, TextArea

from tui_app.core.sanitize import clean_text
from tui_app.ui.widgets.transcript.clipboard import copy_text

TEXT_SNIFF_BYTES = 8192
"""How much of a file is looked at to tell text from binary (a NUL byte there means binary)."""
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
MAX_MARKDOWN_CHARS = 200_000
"""Past this a Markdown file is shown as plain text: rendering it whole would stall the app."""


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


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


class FileViewScreen(Dialog[None]):
    """One file, read-only. `save` opens the save dialog for it; `open_outside`, when the system
    has an opener, hands it to that program."""

    CSS_PATH = "files_screen.tcss"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="file-view-close"),
        Binding("c", "copy", "Copy all", id="file-view-copy"),
        Binding("s", "save", "Save…", id="file-view-save"),
        Binding("o", "open_outside", "Open outside", id="file-view-open"),
    ]

    def __init__(
        self, path: str, content: bytes, save: Callable[[], None], open_outside: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self.byte_count = len(content)
        text = as_text(content)
        self.text = None if text is None else clean_text(text)
        """What is shown and copied; None for a binary file."""
        self._save = save
        self._open_outside = open_outside

    @property
    def rendered(self) -> bool:
        return self.text is not None and is_markdown(self.path) and len(self.text) <= MAX_MARKDOWN_CHARS

    def compose(self) -> ComposeResult:
        with Vertical(id="file-view-box") as box:
            box.border_title = escape(self.path)  # a border title is markup
            yield self._body()
            yield Static(self._hint(), id="file-view-hint", markup=False)

    def _body(self) -> Widget:
        if self.text is None:
            outside = ", or o to open it with the system's program" if self._open_outside else ""
            said = f"{self.path} is a binary file ({size_text(self.byte_count)}): it cannot be shown here. Press s to save it{outside}."
            return Static(said, id="file-binary", markup=False)
        if self.rendered:
            return VerticalScroll(Markdown(self.text, open_links=False), id="file-markdown")
        return TextArea(self.text, read_only=True, soft_wrap=True, show_line_numbers=False, id="file-text")

    def _hint(self) -> str:
        keys = ["esc close", "s save…"]
        if self.text is not None:
            keys.insert(1, "c copy all")
        if self._open_outside:
            keys.append("o open outside")
        return " · ".join(keys)

    def on_mount(self) -> None:
        if self.text is not None:
            self.query_one("#file-markdown, #file-text").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy":
            return self.text is not None
        if action == "open_outside":
            return self._open_outside is not None
        return True

    def action_copy(self) -> None:
        if self.text is not None:
            copy_text(self.app, self.text, escape(self.path))  # its notice is markup

    def action_save(self) -> None:
        self._save()

    def action_open_outside(self) -> None:
        if self._open_outside is not None:
            self._open_outside()

    def action_close(self) -> None:
        self.dismiss(None)
