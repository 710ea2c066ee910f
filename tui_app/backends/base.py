"""The interface every backend adapter implements, and what it declares it can do."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal

from tui_app.backends.errors import BackendError
from tui_app.core.attachments import Attachment
from tui_app.core.events import DomainEvent


MoneyUnit = Literal["micros", "credits"]
"""Micro-dollars, or a service's own credits (never converted: they are not dollars)."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the UI and controller may rely on; they never ask which backend this is."""

    questions: bool = False
    cancel: bool = False
    end_with_cost: bool = False
    replay: bool = False
    files: bool = False
    money: MoneyUnit = "micros"
    history_cap: int | None = None
    """Messages of history the service keeps (older ones leave the agent's context)."""
    idle_snapshot_ms: int | None = None
    """The service's default idle timeout, after which it snapshots a session (None: never)."""


@dataclass(frozen=True, slots=True)
class RemoteSession:
    id: str
    status: str
    created_at: str | None = None
    idle_timeout_ms: int | None = None
    """After this long without a turn the service snapshots the session (None: it does not)."""


@dataclass(frozen=True, slots=True)
class EndResult:
    """What ending a session reported: its final cost (in the backend's money unit) and runtime."""

    cost: int | None
    runtime_ms: int | None


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file in a session's sandbox, as the service names it (cleaned at the wire like every
    string, never trusted as a local path)."""

    path: str
    """Relative to the sandbox's workspace, `/`-separated."""
    size: int | None
    turn_id: str | None = None
    """The turn that wrote it, where the service says."""


DEFAULT_MAX_FILE_BYTES = 64 * 2**20
"""The largest file fetched whole into memory; a larger one is refused, not truncated."""


class AgentBackend(ABC):
    name: str
    """What the user calls this backend: `local`, `casedev`, `stewrd`."""
    capabilities: Capabilities

    @abstractmethod
    async def create_session(
        self, title: str | None = None, model: str | None = None, idle_timeout_ms: int | None = None
    ) -> RemoteSession:
        """Create a session on the service (the idle timeout where the service lets us set it)."""

    @abstractmethod
    def send(self, session_id: str, text: str, files: Sequence[Attachment] = ()) -> AsyncIterator[DomainEvent]:
        """Send one user message (with `files`) and yield the turn's normalized events until it ends.

        Raises a `BackendError` (a `TurnConflict` when another turn is active) before the first
        event if the message was not accepted; after that, the adapter does what it can to see
        the turn to its end (reconnecting where the service allows).
        """

    def last_event_id(self, session_id: str) -> int | None:
        """The id of the last event seen from the session's feed (None: no replayable feed)."""
        return None

    def restore(self, session_id: str, last_event_id: int | None) -> None:
        """Tell the adapter where a session's feed stood (after a restart)."""

    def pace_reads(self, session_id: str, pause: float) -> None:
        """Read `session_id`'s streams in batches, waiting `pause` seconds after a read that had
        to wait for its bytes (0: each frame as it comes). For a session no one is looking at."""

    def read_pause(self, session_id: str) -> float:
        """The pause `pace_reads` set for `session_id` (0: none, or an adapter that cannot pace)."""
        return 0.0

    def follow(self, session_id: str, turn_id: str | None) -> AsyncIterator[DomainEvent]:
        """Follow a turn that is already running, from the last event seen, until it ends."""
        raise BackendError(f"{self.name} cannot resume a turn")

    async def check(self, session_id: str) -> None:
        """Raise `NotFound` or `SessionExpired` if the service no longer has the session."""

    async def answer(self, session_id: str, request_id: str, answers: Sequence[Sequence[str]]) -> None:
        raise BackendError(f"{self.name} does not let the agent ask questions")

    async def cancel(self, session_id: str) -> None:
        raise BackendError(f"{self.name} cannot cancel a running turn")

    async def end(self, session_id: str) -> EndResult:
        raise BackendError(f"{self.name} cannot end a session")

    async def list_files(self, session_id: str) -> list[RemoteFile]:
        """The files in the session's sandbox (where `capabilities.files`): only while it runs."""
        raise BackendError(f"{self.name} keeps no files to list")

    async def fetch_file(self, session_id: str, path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
        """One file's bytes; raises `BackendError` if it is larger than `max_bytes`."""
        raise BackendError(f"{self.name} keeps no files to fetch")

    @abstractmethod
    async def aclose(self) -> None:
        """Release connections."""
