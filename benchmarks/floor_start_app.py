"""The toolkit's floor for a start and for an idle app: a bare Textual app with a title and an
input (whose cursor blinks, as the composer's does).

    python -m benchmarks.floor_start_app [--exit-after-paint]

With `--exit-after-paint` it quits 0.5 s after its first screen is written, as tui-app does with
`TUI_APP_EXIT_AFTER_FIRST_PAINT` (`cold_start.py` times both the same way).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Input, Label


class FloorStartApp(App[None]):
    def __init__(self, exit_after_paint: bool) -> None:
        super().__init__()
        self.exit_after_paint = exit_after_paint

    def compose(self) -> ComposeResult:
        yield Label("Sessions")
        yield Input(placeholder="Message the agent…")

    def on_mount(self) -> None:
        if self.exit_after_paint:
            self.screen.call_after_refresh(lambda: self.set_timer(0.5, self.exit))


if __name__ == "__main__":
    FloorStartApp("--exit-after-paint" in sys.argv[1:]).run()
