"""The sidebar's clocks (a resume's elapsed time, a queued message's countdown) tick once a
second while a session waits like that, and not at all otherwise: an idle app wakes for nothing
but the composer's cursor."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from tui_app.workspace.changes import RosterChange, SessionChange
from tui_app.workspace.workspace import Workspace

WAITING = ("resuming", "queued")
"""States whose row shows a clock (`session_row.state_text`)."""


class WaitingClock:
    def __init__(self, app: App[None], workspace: Workspace, tick: Callable[[], None]) -> None:
        self._waiting: set[str] = set()
        self._timer = app.set_interval(1, tick, pause=True)
        self._unsubscribe = [workspace.changes.subscribe(self._changed), workspace.roster.subscribe(self._roster)]

    def _changed(self, change: SessionChange) -> None:
        session = change.session
        if session.state in WAITING:
            self._waiting.add(session.id)
        else:
            self._waiting.discard(session.id)
        self._follow()

    def _roster(self, change: RosterChange) -> None:
        if change.kind == "removed":
            self._waiting.discard(change.session.id)
            self._follow()

    def _follow(self) -> None:
        if self._waiting:
            self._timer.resume()
        else:
            self._timer.pause()

    @property
    def ticking(self) -> bool:
        return bool(self._waiting)

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._timer.stop()
