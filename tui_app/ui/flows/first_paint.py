"""For timing a cold start as a whole process (benchmarks/cold_start.py): with
`TUI_APP_EXIT_AFTER_FIRST_PAINT` set, the app quits once its first session is drawn."""

from __future__ import annotations

import os
from collections.abc import Callable

from textual.app import App

EXIT_AFTER_FIRST_PAINT = "TUI_APP_EXIT_AFTER_FIRST_PAINT"
"""Set (to anything) in the environment, the app quits once its first screen is painted."""


def exit_after_first_paint_if_asked(app: App[None], painted: Callable[[], bool]) -> None:
    if not os.environ.get(EXIT_AFTER_FIRST_PAINT):
        return

    # A little after the first session is drawn, as an exit right after the refresh can beat the
    # first write to the terminal.
    def exit_when_painted() -> None:
        if painted():
            poll.stop()
            app.set_timer(0.5, app.exit)

    poll = app.set_interval(0.01, exit_when_painted)
