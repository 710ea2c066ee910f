"""The embedded server's Case.dev chats: lifecycle, history, the event log, and the one turn each
may run. No HTTP here (casedev_api.py) and no agent logic (demo_agent.py, turns.py).

A turn runs as its own task and appends numbered events to the chat's log; `respond` and
`/stream` are only readers of that log, so a turn survives its reader going away (as the real
service's sandbox does) and a reader can replay everything after an event id.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from tui_app.server.options import ServerOptions

# Events kept for replay per chat; older ones are dropped (a client that far behind re-syncs).
REPLAY_BUFFER = 10_000


@dataclass(slots=True)
class ChatEvent:
    seq: int
    name: str
    payload: dict[str, Any]


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
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def publish(self, name: str, payload: dict[str, Any]) -> ChatEvent:
        async with self._changed:
            event = ChatEvent(self.next_seq, name, payload)
            self.next_seq += 1
            self.events.append(event)
            if len(self.events) > REPLAY_BUFFER:
                del self.events[: len(self.events) - REPLAY_BUFFER]
                self.first_seq = self.events[0].seq
            self._changed.notify_all()
            return event

    def events_after(self, seq: int) -> list[ChatEvent]:
        start = max(seq + 1 - self.first_seq, 0)
        return self.events[start:]

    async def follow(self, after_seq: int, heartbeat: Callable[[], float]) -> AsyncIterator[ChatEvent | None]:
        """Yield every event after `after_seq` as it comes, forever; None when `heartbeat()`
        seconds pass without one (time for a keepalive)."""
        seen = after_seq
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


class ChatRegistry:
    """Every chat this server knows, by id, with the clock and options they live by."""

    def __init__(self, options: ServerOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self.clock = clock
        self.chats: dict[str, Chat] = {}
        self.stream_tokens: dict[str, tuple[str, float]] = {}
        self._random = random.Random(options.seed)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{self._random.getrandbits(64):016x}"

    def create(self, title: str | None, model: str, idle_timeout_ms: int, version: int) -> Chat:
        now = self.clock()
        chat = Chat(
            id=self.new_id("chat"),
            title=title,
            model=model,
            idle_timeout_ms=idle_timeout_ms,
            created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            created=now,
            last_activity=now,
            version=version,
            active_since=now,
        )
        self.chats[chat.id] = chat
        return chat

    def idle_seconds(self, chat: Chat) -> float:
        return chat.idle_timeout_ms / 1000 * self.options.idle_scale

    def status(self, chat: Chat) -> str:
        """`active`, `idle` (snapshotted) or `ended`. Snapshotting happens when it is observed."""
        if chat.ended:
            return "ended"
        if chat.active_turn is None and chat.active_since is not None:
            snapshot_at = chat.last_activity + self.idle_seconds(chat)
            if self.clock() >= snapshot_at:
                chat.runtime_ms += int((snapshot_at - chat.active_since) * 1000)
                chat.active_since = None
                chat.snapshot_image_id = self.new_id("snap")
        return "active" if chat.active_since is not None else "idle"

    def resume(self, chat: Chat) -> None:
        chat.active_since = self.clock()

    def touch(self, chat: Chat) -> None:
        chat.last_activity = self.clock()

    def end(self, chat: Chat) -> None:
        if self.status(chat) == "active" and chat.active_since is not None:
            chat.runtime_ms += int((self.clock() - chat.active_since) * 1000)
            chat.active_since = None
            chat.snapshot_image_id = self.new_id("snap")
        chat.ended = True

    def cost_micros(self, chat: Chat) -> int:
        return sum(turn.usage["summary"]["costMicros"] for turn in chat.turns if turn.usage)
