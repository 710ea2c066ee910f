"""The main row of the screen (the side column beside the chat), fitted to the terminal's size.

The row marks itself with classes for app.tcss: `-narrow` (too few columns for both: the side
column hides until asked for), `-short` (the usage panel gives its figures in a few lines, so
the session list keeps its rows) and `-tiny` (no room for the usage panel at all). It follows its
own size rather than the screen's, so a resize under a dialog is not missed.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.containers import Horizontal, Vertical
from textual.widgets import ListView

NARROW = 70
"""Columns below which the chat needs them all: the side column shows only when asked for."""
SHORT = 30
"""Rows of the main row (the terminal's less header and footer) below which the usage panel is compact."""
TINY = 18
"""Rows below which the usage panel leaves the session list the whole column."""


class MainRow(Horizontal):
    """The side column and the chat."""

    BLANK = True  # covered by them: no lines of its own kept (blank_containers.py)

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(width < NARROW, "-narrow")
        self.set_class(height < SHORT, "-short")
        self.set_class(height < TINY, "-tiny")
        for side in self.query_children(SideColumn):
            side.call_after_refresh(side.announce)


class SideColumn(Vertical):
    """The sessions and the usage of the one on screen. `toggle` hides or shows it; the choice
    holds at any width (`-hidden`, `-shown`), and without one the width decides."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.on_shown: Callable[[bool], None] | None = None
        """Told whether the column is shown, after each toggle or resize (the app says where
        the sessions went while it is hidden)."""

    def toggle(self) -> None:
        shown = self.display  # as app.tcss has it now, the width's rule included
        self.set_class(shown, "-hidden")
        self.set_class(not shown, "-shown")
        if shown and self.has_focus_within:
            self.screen.focus_next()  # the focus must not stay on a list no one sees
        elif not shown and self.parent is not None and self.parent.has_class("-narrow"):
            # Shown over a narrow chat to pick a session: Up, Down and Enter pick it at once.
            self.query_one(ListView).focus()
        self.call_after_refresh(self.announce)  # once the new rule applies

    def announce(self) -> None:
        if self.on_shown is not None:
            self.on_shown(self.display)
