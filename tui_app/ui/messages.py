"""Textual messages the UI passes around."""

from __future__ import annotations

from textual.message import Message

from tui_app.core.events import DomainEvent


class SessionUpdated(Message):
    """A session changed: a new event applied, or its state moved."""

    def __init__(self, session_id: str, event: DomainEvent | None) -> None:
        super().__init__()
        self.session_id = session_id
        self.event = event
