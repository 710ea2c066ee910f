"""The interface every backend adapter implements, and what it declares it can do."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from tui_app.core.events import DomainEvent


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the UI and controller may rely on; they never ask which backend this is."""

    questions: bool = False
    cancel: bool = False
    end_with_cost: bool = False
    replay: bool = False
    files: bool = False
    money: Literal["micros", "credits"] = "micros"


@dataclass(frozen=True, slots=True)
class RemoteSession:
    id: str
    status: str
    created_at: str | None = None


class AgentBackend(ABC):
    name: str
    """What the user calls this backend: `local`, `casedev`, ..."""
    capabilities: Capabilities

    @abstractmethod
    async def create_session(self, title: str | None = None, model: str | None = None) -> RemoteSession:
        """Create a session on the service."""

    @abstractmethod
    def send(self, session_id: str, text: str) -> AsyncIterator[DomainEvent]:
        """Send one user message and yield the turn's normalized events until it ends."""

    @abstractmethod
    async def aclose(self) -> None:
        """Release connections."""
