"""Session controllers: one per session. Each owns its transcript, sends through its backend, and
announces every change through a callback, so the UI (or `tui-app ask`) decides how to show it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Literal

from tui_app.backends.base import AgentBackend, RemoteSession
from tui_app.backends.errors import BackendError
from tui_app.core import transcript as reducer
from tui_app.core.events import DomainEvent, UserMessageSent
from tui_app.core.transcript import Transcript

SessionState = Literal["creating", "ready", "streaming", "failed"]


class SessionController:
    """One conversation with one backend. Not thread-safe: use it from one event loop."""

    def __init__(
        self,
        backend: AgentBackend,
        title: str | None = None,
        on_change: Callable[[SessionController, DomainEvent | None], None] | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.title = title or "Session"
        self.backend = backend
        self.remote: RemoteSession | None = None
        self.transcript = Transcript()
        self.state: SessionState = "creating"
        self.error: str | None = None
        self._on_change = on_change

    def _changed(self, event: DomainEvent | None = None) -> None:
        if self._on_change is not None:
            self._on_change(self, event)

    def _fail(self, error: BackendError, state: SessionState) -> None:
        self.state = state
        self.error = error.message
        self._changed()

    async def open(self, model: str | None = None) -> None:
        """Create the session on its service."""
        self.state, self.error = "creating", None
        self._changed()
        try:
            self.remote = await self.backend.create_session(title=self.title, model=model)
        except BackendError as error:
            self._fail(error, "failed")
            raise
        self.state = "ready"
        self._changed()

    def _apply(self, event: DomainEvent) -> None:
        self.transcript = reducer.apply(self.transcript, event)
        self._changed(event)

    async def send(self, text: str) -> None:
        """Send `text` and apply the turn's events until it ends. Raises `BackendError`."""
        if self.remote is None or self.state != "ready":
            raise RuntimeError(f"session {self.title!r} cannot send while {self.state}")
        self.state, self.error = "streaming", None
        self._apply(UserMessageSent(message_id=f"user_{uuid.uuid4().hex}", text=text))
        try:
            async for event in self.backend.send(self.remote.id, text):
                self._apply(event)
        except BackendError as error:
            self._fail(error, "ready")
            raise
        self.state = "ready"
        self._changed()
