"""Where the user was when the app last ran: the session on screen, and the sessions with output
not seen yet (`● new`). The UI keeps it between runs; the workspace puts it back after a restore."""

from __future__ import annotations

from dataclasses import dataclass

from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Place:
    current: str | None = None
    """The id of the session on screen."""
    unread: frozenset[str] = frozenset()
    """The ids of the sessions with unread output."""


def place_of(workspace: Workspace) -> Place:
    current = workspace.current
    return Place(current.id if current is not None else None, frozenset(workspace.unread))


def reopen(workspace: Workspace, place: Place) -> SessionController | None:
    """After `Workspace.restore`: mark unread again the sessions that were (those still here),
    and return the session to show: the one on screen last time if it is still here, else the
    workspace's own choice (the latest)."""
    workspace.unread.update(place.unread & workspace.sessions.keys())
    last = workspace.sessions.get(place.current) if place.current is not None else None
    return last or workspace.current
