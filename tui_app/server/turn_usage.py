"""What a turn of the demo agent bills, and how a turn left open by a stopped server is closed.

Apart from the turn runner (turns.py), so that the store (chat_store.py) can close interrupted
turns when it loads a chat without importing the runner, which needs the registry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tui_app.server import demo_agent
from tui_app.server.chat_model import Chat, TurnRecord

INTERRUPTED_ERROR = "interrupted: the local server stopped during this turn"


@dataclass(slots=True)
class Meter:
    """What a turn has consumed so far."""

    model: str
    prompt_tokens: int
    started: float
    output_tokens: int = 0
    tool_calls: int = 0
    api_entries: list[dict[str, Any]] = field(default_factory=list)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def usage_payload(meter: Meter, turn_id: str, elapsed: float) -> dict[str, Any]:
    """The `usage` object of PROTOCOL.md, with names from the casedev SDK's run-details shape."""
    llm_cost = demo_agent.cost_micros(meter.prompt_tokens, meter.output_tokens)
    llm_entry = {
        "id": f"{turn_id}:llm",
        "kind": "llm",
        "model": meter.model,
        "service": "demo-agent",
        "endpoint": "/v1/messages",
        "method": "POST",
        "statusCode": 200,
        "promptTokens": meter.prompt_tokens,
        "completionTokens": meter.output_tokens,
        "totalTokens": meter.prompt_tokens + meter.output_tokens,
        "costMicros": llm_cost,
        "timestamp": now_iso(),
        "metadata": {},
    }
    entries = [llm_entry, *meter.api_entries]
    return {
        "model": meter.model,
        "inputTokens": meter.prompt_tokens,
        "outputTokens": meter.output_tokens,
        "durationMs": int(elapsed * 1000),
        "toolCalls": meter.tool_calls,
        "costMicros": llm_cost,
        "summary": {
            "costMicros": sum(entry["costMicros"] for entry in entries),
            "totalInputTokens": meter.prompt_tokens,
            "totalOutputTokens": meter.output_tokens,
            "totalTokens": meter.prompt_tokens + meter.output_tokens,
        },
        "entries": entries,
    }


def api_entry(call: demo_agent.ToolCall, call_id: str) -> dict[str, Any]:
    """The usage entry a finished tool call bills."""
    return {
        "id": f"{call_id}:api",
        "kind": "api",
        "model": None,
        "service": "demo-search",
        "endpoint": "/v1/search",
        "method": "POST",
        "statusCode": call.status_code,
        "promptTokens": 0,
        "completionTokens": 0,
        "totalTokens": 0,
        "costMicros": call.cost_micros,
        "timestamp": now_iso(),
        "metadata": {"tool": call.tool},
    }


def logged_usage(chat: Chat, position: int, turn: TurnRecord) -> dict[str, Any]:
    """What the turn at `position` had consumed, from its events in the log: the same meter
    `_run` keeps (the demo agent's plan is deterministic, so its tool call is known), for a turn
    whose process died before it could report its final usage. The duration is that of its last
    interim report, the last moment known."""
    earlier = [(t.user_text, t.reply_text) for t in chat.turns[:position] if t.status == "completed"]
    meter = Meter(turn.model, demo_agent.input_tokens(earlier, turn.user_text), started=0.0)
    call = demo_agent.plan(turn.user_text).tool_call
    elapsed = 0.0
    for event in chat.events:
        if event.turn_id != turn.id:
            continue
        payload = event.payload
        if event.name == "session.usage":
            elapsed = payload["usage"]["durationMs"] / 1000
        elif event.name == "message.part.updated":
            part = payload["part"]
            if "delta" in payload:
                meter.output_tokens += 1
            elif call is not None and part.get("type") == "tool" and part["state"]["status"] in ("completed", "error"):
                meter.tool_calls += 1
                meter.api_entries.append(api_entry(call, part["callID"]))
    return usage_payload(meter, turn.id, elapsed)


def close_interrupted_turns(chat: Chat) -> list[tuple[int, TurnRecord]]:
    """End the turns of a chat just loaded that its log leaves open, as `_run` would have: a
    turn still running is failed (its process stopped or was killed mid-turn); its unanswered
    questions are rejected, then its usage and `turn.completed` are appended to the log, so a
    client replaying the feed sees the turn end. Returns those turns with their positions."""
    started = {e.turn_id for e in chat.events if e.name == "turn.started"}
    ended = {e.turn_id for e in chat.events if e.name == "turn.completed"}
    closed: list[tuple[int, TurnRecord]] = []
    for position, turn in enumerate(chat.turns):
        # A finished turn whose end is not in the log was saved between its last two events.
        if turn.status != "running" and not (turn.id in started and turn.id not in ended):
            continue
        error: str | None = None
        if turn.status == "running":
            turn.status, error = "failed", INTERRUPTED_ERROR
        own = [e for e in chat.events if e.turn_id == turn.id]
        asked = [e.payload["requestID"] for e in own if e.name == "question.asked"]
        settled = {e.payload["requestID"] for e in own if e.name in ("question.replied", "question.rejected")}
        for request_id in (r for r in asked if r not in settled):
            chat.append("question.rejected", {"turnId": turn.id, "requestID": request_id})
        if turn.usage is None:
            turn.usage = logged_usage(chat, position, turn)
        chat.append("session.usage", {"turnId": turn.id, "usage": turn.usage})
        completed: dict[str, Any] = {"turnId": turn.id, "status": turn.status}
        if error:
            completed["error"] = error
        chat.append("turn.completed", completed)
        closed.append((position, turn))
    return closed
