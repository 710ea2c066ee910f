"""The embedded server's chat as data: a Case.dev chat, its turns, its numbered event log and the
questions waiting in it. The registry (chats.py), the turn runner (turns.py) and the store
(chat_store.py) all build on these; this module imports none of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from tui_app.server.part_texts import ChatEvent, PartTexts

__all__ = ["REPLAY_BUFFER", "Chat", "ChatEvent", "PendingQuestion", "TurnRecord", "default_window"]

# Events kept for replay per chat unless the server's `replay_window` says fewer; older ones are
# dropped (a client that far behind re-syncs, and says its transcript may be incomplete).
REPLAY_BUFFER = 10_000


def default_window() -> int:
    return REPLAY_BUFFER


@dataclass(slots=True)
class PendingQuestion:
    request_id: str
    turn_id: str
    questions: list[dict[str, Any]]
    answer: asyncio.Future[list[list[str]]]


@dataclass(slots=True)
class TurnRecord:
    id: str
    user_text: str
    model: str
    reply_text: str = ""
    usage: dict[str, Any] | None = None
    status: str = "running"
    message_id: str | None = None
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None


@dataclass(slots=True)
class Chat:
    id: str
    title: str | None
    model: str
    idle_timeout_ms: int
    created_at: str
    created: float
    last_activity: float
    version: int = 1
    ended: bool = False
    snapshot_image_id: str | None = None
    runtime_ms: int = 0
    active_since: float | None = None
    """When the sandbox last started running; None while snapshotted or ended."""
    turns: list[TurnRecord] = field(default_factory=list)
    events: list[ChatEvent] = field(default_factory=list)
    first_seq: int = 1
    next_seq: int = 1
    active_turn: TurnRecord | None = None
    questions: dict[str, PendingQuestion] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    readers: int = 0
    """Streams following the log now: a chat being read never leaves memory (chats.py)."""
    replay_window: Callable[[], int] = default_window
    """How many of the latest events the log keeps for replay (the registry reads its options)."""
    on_event: Callable[[Chat, ChatEvent], None] | None = None
    """Told of each published event once it is in the log (the registry saves it); must not block."""
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _texts: PartTexts = field(default_factory=PartTexts)

    def append(self, name: str, payload: dict[str, Any]) -> ChatEvent:
        """Add an event to the log without telling anyone: for a log nobody follows yet."""
        event = self._texts.event(self.next_seq, name, payload)
        if name == "turn.completed":
            self._texts.forget()
        self.next_seq += 1
        self.events.append(event)
        window = max(self.replay_window(), 1)
        if len(self.events) > window:
            del self.events[: len(self.events) - window]
            self.first_seq = self.events[0].seq
        return event

    async def publish(self, name: str, payload: dict[str, Any]) -> ChatEvent:
        async with self._changed:
            event = self.append(name, payload)
            if self.on_event is not None:
                self.on_event(self, event)
            self._changed.notify_all()
            return event

    def events_after(self, seq: int) -> list[ChatEvent]:
        start = max(seq + 1 - self.first_seq, 0)
        return self.events[start:]

    async def follow(self, after_seq: int, heartbeat: Callable[[], float]) -> AsyncIterator[ChatEvent | None]:
        """Yield every event after `after_seq` as it comes, forever; None when `heartbeat()`
        seconds pass without one (time for a keepalive)."""
        seen = after_seq
        self.readers += 1
        try:
            while True:
                async with self._changed:
                    try:
                        await asyncio.wait_for(self._changed.wait_for(lambda: self.next_seq - 1 > seen), heartbeat())
                    except TimeoutError:
                        fresh = None
                    else:
                        fresh = self.events_after(seen)
                if fresh is None:
                    yield None
                    continue
                for event in fresh:
                    seen = event.seq
                    yield event
        finally:
            self.readers -= 1
