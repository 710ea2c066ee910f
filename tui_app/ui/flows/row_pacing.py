"""The pace at which an off-screen session's row is redrawn: once a second, not per token.

Ten sessions streaming 50 tokens a second each publish 500 changes a second. The session on
screen needs each of them (its transcript and usage follow the stream); another session's row
only shows its state, a new-output mark and its cost so far. So a change of an off-screen
session whose row would say the same but for its figures waits, replacing any change of that
session already waiting, and the waiting ones are drawn together, in one screen update, every
`INTERVAL` seconds. A change that moves what a person acts on (`session_row.row_marks`: a
question, a failure, an end, the new-output and new-files marks, a reconnect, a nearly full
history) is handed on at once, in order, as every change was before.
The round of a queued message (sending, streaming, ready, sending again) waits with the figures:
ten sessions working through their queues move a state a few times a second each.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from textual.app import App

from tui_app.core.events import UsageReported
from tui_app.ui.widgets.session_row import row_marks
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.read_pacing import ReadPacing
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

INTERVAL = 1.0
"""Seconds between two redraws of the waiting rows: their cost moves once a second. Each redraw
is a screen update, and Textual draws every row and the whole side column for it (a widget is
drawn whenever its container's region meets the update): it costs more than all the events of
a session in that time."""


class RowPacing:
    """Hands a session's changes on at once (`now`) or keeps the last one for the next redraw of
    the waiting rows (`later`, with every change waiting, in the order the sessions first waited)."""

    def __init__(
        self,
        app: App[object],
        workspace: Workspace,
        now: Callable[[SessionChange], None],
        later: Callable[[list[SessionChange]], None],
    ) -> None:
        self._app = app
        self._workspace = workspace
        self._now = now
        self._later = later
        self._waiting: dict[str, SessionChange] = {}
        self._drawn: dict[str, Hashable] = {}
        self._armed = False
        self.handed_on = 0
        """Changes handed on at once so far (for tests: the cost of a stream off screen)."""
        # What the rows show a few times a second is read from the network as often.
        self.reads = ReadPacing(workspace)

    def heard(self, change: SessionChange) -> None:
        """A change published by the workspace (on its loop, the App's)."""
        session = change.session
        waiting = self._waiting
        marks = row_marks(session, change.unread)
        if session is self._workspace.current or self._drawn.get(session.id) != marks:
            self._drawn[session.id] = marks  # what its row shows once this change is drawn
            older = waiting.get(session.id)
            if older is not None and not isinstance(older.event, UsageReported):
                del waiting[session.id]  # the change handed on now is newer and draws the whole row
            self.handed_on += 1
            self._now(change)
            return
        if session.id in waiting:
            # Keep the first event's place but the newest row; a usage report is not forgotten.
            older = waiting[session.id]
            if isinstance(older.event, UsageReported) and not isinstance(change.event, UsageReported):
                change = SessionChange(change.session, older.event, change.unread)
        waiting[session.id] = change
        if not self._armed:
            self._armed = True
            self._app.call_later(self._arm)

    def drawn(self, session: SessionController, unread: bool) -> None:
        """The row of `session` now shows it as it is."""
        self._drawn[session.id] = row_marks(session, unread)

    def _arm(self) -> None:
        self._app.set_timer(INTERVAL, self._flush, name="row pacing")

    def _flush(self) -> None:
        self._armed = False
        waiting, self._waiting = list(self._waiting.values()), {}
        if waiting:
            self._later(waiting)
