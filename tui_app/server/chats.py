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
from collections.abc import Callable

from tui_app.server import chat_model
from tui_app.server.chat_model import REPLAY_BUFFER, Chat, ChatEvent, PendingQuestion, TurnRecord
from tui_app.server.chat_store import ChatStore
from tui_app.server.options import ServerOptions

# The chat's data lives in chat_model.py; named here too, where the server's modules look for it.
__all__ = ["REPLAY_BUFFER", "Chat", "ChatEvent", "ChatRegistry", "PendingQuestion", "TurnRecord"]

log = logging.getLogger(__name__)

# How long a change may wait to be written with the ones that follow it: a streaming turn
# publishes an event per token, and one transaction per token would be most of the work.
FLUSH_SECONDS = 0.02


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
            expiry = options.chat_expiry_seconds
            try:
                # The chats in use lately; any other is read when asked for (`get`).
                loaded = store.load(self._wall_offset, None if expiry is None else time.time() - expiry)
            except BaseException:
                store.close()  # the registry owns the store, and no one else would release its lock
                raise
            for chat in loaded:
                self._hold(chat)

    def _hold(self, chat: Chat) -> None:
        chat.on_event = self._note_event
        chat.replay_window = self.replay_window
        self.chats[chat.id] = chat

    def replay_window(self) -> int:
        """Events a chat keeps for replay: the `replay_window` option, read afresh each time."""
        window = self.options.replay_window
        return chat_model.REPLAY_BUFFER if window is None else window

    def get(self, chat_id: str) -> Chat | None:
        """The chat with this id: in memory, or read back from the store after it expired there."""
        self.expire_idle()
        chat = self.chats.get(chat_id)
        if chat is None and self.store is not None:
            chat = self.store.load_chat(chat_id, self._wall_offset)
            if chat is not None:
                self._hold(chat)
        return chat

    def expire_idle(self) -> None:
        """Let chats idle past `chat_expiry_seconds` leave memory (kept in the store, if any),
        and forget stream tokens that have expired. A chat running a turn, waiting for an
        answer or being read by a stream stays, however long."""
        now = self.clock()
        for token in [token for token, (_, until) in self.stream_tokens.items() if until < now]:
            del self.stream_tokens[token]
        expiry = self.options.chat_expiry_seconds
        if expiry is None:
            return
        idle = [
            chat
            for chat in self.chats.values()
            if chat.active_turn is None and not chat.questions and chat.readers == 0
            and now - chat.last_activity >= expiry
        ]
        if not idle:
            return
        self.flush()
        for chat in idle:
            if chat.id in self._unsaved_chats:
                continue  # the store failed: memory is the only copy, so it stays there
            del self.chats[chat.id]
            if self.store is not None:
                self.store.forget(chat.id)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{self._random.getrandbits(64):016x}"

    def create(self, title: str | None, model: str, idle_timeout_ms: int, version: int) -> Chat:
        self.expire_idle()
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
        chat.replay_window = self.replay_window
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
        turn_id = event.turn_id
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
