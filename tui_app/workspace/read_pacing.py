"""Sessions off screen read their streams, and tell of them, a few times a second; the one on
screen, as it comes.

A service sends a frame per token. For the session on screen each frame is a frame on screen;
for another one, its row shows its figures a few times a second (`ui/flows/row_pacing.py`), so
reading its socket per frame costs a wake-up of the loop, the socket and the HTTP parser for
nothing anyone sees. Off screen, a stream is read every `OFF_SCREEN_PAUSE` seconds, each read
taking every frame that came meanwhile; every event is still applied, stored and checked
against the budget, in order, only a fraction of a second later.
"""

from __future__ import annotations

from collections.abc import Callable

from tui_app.workspace.changes import RosterChange, SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

OFF_SCREEN_PAUSE = 0.25
"""Seconds a stream off screen is left alone after a read (as often as its row is redrawn)."""


def pause_for(workspace: Workspace, session: SessionController) -> float:
    return 0.0 if session is workspace.current else OFF_SCREEN_PAUSE


class ReadPacing:
    """Tells each session's backend how to read its streams, as the session on screen changes.

    A session gets its service's id once it is created (or restored): it is paced from the
    change that says so (a change with no event: its state moved)."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._paced: dict[str, float] = {}
        """The pause each session's backend was told, by the service's session id."""
        self._unsubscribe: list[Callable[[], None]] = [
            workspace.roster.subscribe(self._roster),
            workspace.changes.subscribe(self._changed),
        ]
        self.pace_all()
        # What is read a few times a second is told a few times a second (change_batching.py).
        workspace.batching.start(OFF_SCREEN_PAUSE, self._off_screen, lambda session: session.id in workspace.sessions)

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._workspace.batching.stop()

    def _off_screen(self, session: SessionController) -> bool:
        return session is not self._workspace.current

    def pace_all(self) -> None:
        for session in self._workspace.order:
            self._pace(session)

    def _roster(self, change: RosterChange) -> None:
        if change.kind == "current":
            self.pace_all()
        elif change.kind == "added":
            self._pace(change.session)
        elif (remote := change.session.remote) is not None and self._paced.pop(remote.id, 0.0):
            change.session.backend.pace_reads(remote.id, 0.0)  # gone: the backend forgets it

    def _changed(self, change: SessionChange) -> None:
        if change.event is None:  # (a token carries an event: this costs it one comparison)
            self._pace(change.session)

    def _pace(self, session: SessionController) -> None:
        if session.remote is None:
            return
        pause = pause_for(self._workspace, session)
        remote_id = session.remote.id
        if self._paced.get(remote_id) != pause:
            self._paced[remote_id] = pause
            session.backend.pace_reads(remote_id, pause)
