"""What the workspace publishes: plain values, so any view (or `tui-app ask`) can show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_app.core.events import DomainEvent
from tui_app.persistence.store_health import StoreHealth
from tui_app.workspace.session_controller import SessionController

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class SessionChange:
    """A session changed: an event applied (`event`), or its state, title or draft moved."""

    session: SessionController
    event: DomainEvent | None
    unread: bool
    """True while the session has news the user has not seen (it is not on screen)."""


@dataclass(frozen=True, slots=True)
class RosterChange:
    """A session joined or left the workspace, or another one came on screen."""

    kind: Literal["added", "removed", "current"]
    session: SessionController


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a person should read: a failed send, a budget reached, an ended session."""

    title: str
    message: str
    severity: Severity = "information"
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class StorageStatus:
    """Whether what the user typed and received is on disk, as the workspace last heard it."""

    health: StoreHealth
    behind: bool
    """True from the first failed write until every change kept in memory meanwhile is written:
    while it holds, quitting loses something."""
