"""A code block from a reply shown whole: its lines not cut, scrolled sideways (arrows, End,
Shift+wheel), selectable and copyable. The code is the agent's data: a read-only `TextArea`
shows it as text, never as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from tui_app.ui.screens.dialog import Dialog
from tui_app.ui.widgets.transcript.clipboard import copy_text


class CodeDialog(Dialog[None]):
    """One code block, read-only, the cursor on `line`."""

    CSS_PATH = "code_dialog.tcss"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="code-view-close"),
        Binding("c", "copy", "Copy all", id="code-view-copy"),
    ]

    def __init__(self, code: str, line: int = 0) -> None:
        super().__init__()
        self.code = code
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(id="code-box"):
            yield Static("Code block · ←/→ End scroll sideways · c copy · Esc close", markup=False, id="code-title")
            yield TextArea(self.code.rstrip("\n"), read_only=True, soft_wrap=False, show_line_numbers=True, id="code-text")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor((self.line, 0))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        copy_text(self.app, self.code, "the code block")
