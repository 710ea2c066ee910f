"""The embedded server's Case.dev chats: lifecycle, history, the event log, and the one turn each
may run. No HTTP here (casedev_api.py) and no agent logic (demo_agent.py, turns.py).

A turn runs as its own task and appends numbered events to the chat's log; `respond` and
`/stream` are only readers of that log, so a turn survives its reader going away (as the real
service's sandbox does) and a reader can replay everything after an event id.

Given a `ChatStore`, the registry starts with the chats it holds and writes every change back
(chat_store.py): behind the scenes, in one transaction per burst of events, at most
`FLUSH_SECONDS` after the change; at once for a chat's creation and end.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui_app.server.options import ServerOptions

if TYPE_CHECKING:
    # Only a type here: chat_store.py builds on this module.
    from tui_app.server.chat_store import ChatStore

log = logging.getLogger(__name__)

# Events kept for replay per chat; older ones are dropped (a client that far behind re-syncs).
REPLAY_BUFFER = 10_000
# How long a change may wait to be written with the ones that follow it: a streaming turn
# publishes an event per token, and one transaction per token would be most of the work.
FLUSH_SECONDS = 0.02


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
    on_event: Callable[[Chat, ChatEvent], None] | None = None
    """Told of each published event once it is in the log (the registry saves it); must not block."""
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def append(self, name: str, payload: dict[str, Any]) -> ChatEvent:
        """Add an event to the log without telling anyone: for a log nobody follows yet."""
        event = ChatEvent(self.next_seq, name, payload)
        self.next_seq += 1
        self.events.append(event)
        if len(self.events) > REPLAY_BUFFER:
            del self.events[: len(self.events) - REPLAY_BUFFER]
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
    """Every chat this server knows, by id, with the clock and options they live by, and the
    store that keeps them across restarts (if any)."""

    def __init__(
        self, options: ServerOptions, clock: Callable[[], float] = time.monotonic, store: ChatStore | None = None
    ) -> None:
        self.options = options
        self.clock = clock
        self.chats: dict[str, Chat] = {}
        self.stream_tokens: dict[str, tuple[str, float]] = {}
        self.stopping = False
        """Set when the server shuts down: a turn cancelled from then on was interrupted, not
        cancelled by its user (turns.py records it as the next start would find it)."""
        self.store = store
        # Wall-clock time minus `clock`: what the store keeps is wall-clock, since `clock`
        # (monotonic) starts afresh with each process.
        self._wall_offset = time.time() - clock()
        self._unsaved_chats: dict[str, Chat] = {}
        self._unsaved_turns: dict[str, tuple[Chat, int, TurnRecord]] = {}
        self._unsaved_events: list[tuple[str, ChatEvent]] = []
        self._flush_timer: asyncio.TimerHandle | None = None
        self._random = random.Random(options.seed if store is None else store.id_seed(options.seed))
        if store is not None:
            try:
                loaded = store.load(self._wall_offset)
            except BaseException:
                store.close()  # the registry owns the store, and no one else would release its lock
                raise
            for chat in loaded:
                chat.on_event = self._note_event
                self.chats[chat.id] = chat

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{self._random.getrandbits(64):016x}"

    def create(self, title: str | None, model: str, idle_timeout_ms: int, version: int) -> Chat:
        now = self.clock()
        chat_id = self.new_id("chat")
        while chat_id in self.chats:  # 64 random bits: only a belt to the seeding's braces
            chat_id = self.new_id("chat")
        chat = Chat(
            id=chat_id,
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
        if self.store is not None:
            chat.on_event = self._note_event
            # At once: the client is about to hold this id, and must never find it unknown.
            self._note_chat(chat)
            self.flush()
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
                self._note_chat(chat)
        return "active" if chat.active_since is not None else "idle"

    def resume(self, chat: Chat) -> None:
        chat.active_since = self.clock()
        self._note_chat(chat)

    def touch(self, chat: Chat) -> None:
        chat.last_activity = self.clock()
        self._note_chat(chat)

    def end(self, chat: Chat) -> None:
        if self.status(chat) == "active" and chat.active_since is not None:
            chat.runtime_ms += int((self.clock() - chat.active_since) * 1000)
            chat.active_since = None
            chat.snapshot_image_id = self.new_id("snap")
        chat.ended = True
        self._note_chat(chat)
        self.flush()  # at once: the client was told the chat has ended

    def cost_micros(self, chat: Chat) -> int:
        return sum(turn.usage["summary"]["costMicros"] for turn in chat.turns if turn.usage)

    # --- persistence ---------------------------------------------------------------------

    def _note_chat(self, chat: Chat) -> None:
        if self.store is None:
            return
        self._unsaved_chats[chat.id] = chat
        self._flush_soon()

    def _note_event(self, chat: Chat, event: ChatEvent) -> None:
        """Chat.on_event: queue the event, and the chat and turn it changed, for the next write."""
        if self.store is None:
            return
        self._unsaved_events.append((chat.id, event))
        # Its row too: the log trim, `last_activity` and the files a turn wrote go with it.
        self._unsaved_chats[chat.id] = chat
        turn_id = event.payload.get("turnId")
        if isinstance(turn_id, str):
            # From the end: the turn an event is about is the last one, or very nearly.
            for position in range(len(chat.turns) - 1, -1, -1):
                if chat.turns[position].id == turn_id:
                    self._unsaved_turns[turn_id] = (chat, position, chat.turns[position])
                    break
        self._flush_soon()

    def _flush_soon(self) -> None:
        if self._flush_timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the server's loop (a script, a test): no batching
            self.flush()
            return
        self._flush_timer = loop.call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        """Write every change not yet in the store, in one transaction."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self.store is None or not (self._unsaved_chats or self._unsaved_turns or self._unsaved_events):
            return
        try:
            self.store.write(
                self._unsaved_chats.values(), self._unsaved_turns.values(), self._unsaved_events, self._wall_offset
            )
        except sqlite3.Error:
            # The server goes on in memory; the changes stay queued for the next write to retry.
            log.exception("could not save the local server's chats to %s", self.store.path)
            return
        self._unsaved_chats, self._unsaved_turns, self._unsaved_events = {}, {}, []

    def close(self) -> None:
        """Write what is pending and close the store; from then on the chats live in memory only.
        Call it once the server's loop has stopped."""
        if self.store is None:
            return
        self.flush()
        self.store.close()
        self.store = None
