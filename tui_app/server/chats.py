"""The embedded server's chats: their history, their event log, and the one turn each may run.

A turn runs as its own task and appends numbered events to the chat's log; a `respond` stream
is only a reader of that log. That keeps a turn alive when its reader goes away, the way the
real service's sandbox keeps working.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass(slots=True)
class ChatEvent:
    seq: int
    name: str
    payload: dict[str, Any]


@dataclass(slots=True)
class TurnRecord:
    id: str
    user_text: str
    reply_text: str = ""
    usage: dict[str, Any] | None = None
    status: str = "running"


@dataclass(slots=True)
class Chat:
    id: str
    title: str | None
    model: str
    idle_timeout_ms: int
    created_at: str
    status: str = "active"
    turns: list[TurnRecord] = field(default_factory=list)
    events: list[ChatEvent] = field(default_factory=list)
    active_turn_id: str | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def publish(self, name: str, payload: dict[str, Any]) -> None:
        async with self._changed:
            self.events.append(ChatEvent(len(self.events) + 1, name, payload))
            self._changed.notify_all()

    async def follow(self, after_seq: int = 0) -> AsyncIterator[ChatEvent]:
        """Yield every event after `after_seq`, waiting for new ones, forever."""
        seen = after_seq
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.events) > seen)
                fresh = self.events[seen:]
            seen += len(fresh)
            for event in fresh:
                yield event


class ChatRegistry:
    """Every chat this server knows, by id."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.chats: dict[str, Chat] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def create(self, title: str | None, model: str | None, idle_timeout_ms: int) -> Chat:
        chat = Chat(
            id=new_id("chat"),
            title=title,
            model=model or demo_agent.DEMO_MODEL,
            idle_timeout_ms=idle_timeout_ms,
            created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        self.chats[chat.id] = chat
        return chat

    def start_turn(self, chat: Chat, text: str) -> TurnRecord:
        """Start a turn; the caller has checked that none is active."""
        turn = TurnRecord(id=new_id("turn"), user_text=text)
        chat.active_turn_id = turn.id
        task = asyncio.get_running_loop().create_task(self._run_turn(chat, turn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return turn

    async def _run_turn(self, chat: Chat, turn: TurnRecord) -> None:
        earlier = [(t.user_text, t.reply_text) for t in chat.turns if t.status == "completed"]
        chat.turns.append(turn)
        started = time.monotonic()
        try:
            await chat.publish("turn.started", {"turnId": turn.id, "chatId": chat.id})
            await chat.publish("turn.status", {"turnId": turn.id, "status": "running"})
            message_id, part_id = new_id("msg"), new_id("prt")
            await chat.publish(
                "message.created", {"turnId": turn.id, "messageId": message_id, "role": "assistant"}
            )
            reply = demo_agent.reply([user for user, _ in earlier], turn.user_text)
            prompt_tokens = demo_agent.input_tokens(earlier, turn.user_text)
            delay = 1.0 / self.options.tokens_per_second if self.options.tokens_per_second > 0 else 0.0
            tokens = demo_agent.tokenize(reply)
            for count, token in enumerate(tokens, start=1):
                if delay:
                    await asyncio.sleep(delay)
                turn.reply_text += token
                await chat.publish(
                    "message.part.updated",
                    {
                        "turnId": turn.id,
                        "messageId": message_id,
                        "partId": part_id,
                        "part": {"id": part_id, "type": "text", "text": turn.reply_text},
                        "delta": token,
                    },
                )
                if count % self.options.usage_every_tokens == 0 and count < len(tokens):
                    usage = _usage(chat.model, prompt_tokens, count, started, turn.id)
                    await chat.publish("session.usage", {"turnId": turn.id, "usage": usage})
            await chat.publish(
                "message.completed", {"turnId": turn.id, "messageId": message_id, "finish": "stop"}
            )
            turn.usage = _usage(chat.model, prompt_tokens, len(tokens), started, turn.id)
            await chat.publish("session.usage", {"turnId": turn.id, "usage": turn.usage})
            turn.status = "completed"
            await chat.publish("turn.completed", {"turnId": turn.id, "status": "completed"})
        except Exception as error:  # the turn fails, the server does not
            turn.status = "failed"
            await chat.publish(
                "turn.completed", {"turnId": turn.id, "status": "failed", "error": str(error)}
            )
        finally:
            chat.active_turn_id = None


def _usage(model: str, prompt_tokens: int, completion_tokens: int, started: float, turn_id: str) -> dict[str, Any]:
    """The `usage` object of PROTOCOL.md, with names from the casedev SDK's run-details shape."""
    cost = demo_agent.cost_micros(prompt_tokens, completion_tokens)
    entries = [{
        "id": f"{turn_id}:llm",
        "kind": "llm",
        "model": model,
        "service": "demo-agent",
        "endpoint": "/v1/messages",
        "method": "POST",
        "statusCode": 200,
        "promptTokens": prompt_tokens,
        "completionTokens": completion_tokens,
        "totalTokens": prompt_tokens + completion_tokens,
        "costMicros": cost,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "metadata": {},
    }]
    return {
        "model": model,
        "inputTokens": prompt_tokens,
        "outputTokens": completion_tokens,
        "durationMs": int((time.monotonic() - started) * 1000),
        "toolCalls": 0,
        "costMicros": cost,
        "summary": {
            "costMicros": sum(entry["costMicros"] for entry in entries),
            "totalInputTokens": prompt_tokens,
            "totalOutputTokens": completion_tokens,
            "totalTokens": prompt_tokens + completion_tokens,
        },
        "entries": entries,
    }
