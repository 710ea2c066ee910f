"""Case.dev agent chat wire models (pydantic) and their translation to domain events.

Lenient by design (PROTOCOL.md): unknown fields are allowed, unknown event names become
`UnknownEvent`, and a payload that fails validation is logged and skipped by the caller.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    TurnCompleted,
    TurnStarted,
    TurnStatusChanged,
    UnknownEvent,
    Usage,
    UsageEntry,
    UsageReported,
)


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", alias_generator=to_camel, populate_by_name=True)


class ChatCreated(Wire):
    id: str
    status: str = "active"
    idle_timeout_ms: int | None = None
    created_at: str | None = None


class WireUsageEntry(Wire):
    id: str
    kind: str = "llm"
    model: str | None = None
    service: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_micros: int = 0


class WireUsageSummary(Wire):
    cost_micros: int | None = None
    total_input_tokens: int | None = None
    total_output_tokens: int | None = None


class WireUsage(Wire):
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_micros: int | None = None
    summary: WireUsageSummary | None = None
    entries: list[WireUsageEntry] = Field(default_factory=list)

    def to_domain(self) -> Usage:
        total = self.summary.cost_micros if self.summary else None
        if total is None and self.entries:
            total = sum(entry.cost_micros for entry in self.entries)
        if total is None:
            total = self.cost_micros
        return Usage(
            model=self.model,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            llm_cost_micros=self.cost_micros,
            total_cost_micros=total,
            entries=tuple(
                UsageEntry(
                    id=e.id,
                    kind=e.kind,
                    cost_micros=e.cost_micros,
                    model=e.model,
                    service=e.service,
                    prompt_tokens=e.prompt_tokens,
                    completion_tokens=e.completion_tokens,
                )
                for e in self.entries
            ),
        )


class TurnStartedWire(Wire):
    turn_id: str


class TurnStatusWire(Wire):
    turn_id: str
    status: str
    message: str | None = None


class MessageCreatedWire(Wire):
    turn_id: str
    message_id: str
    role: str = "assistant"


class WirePart(Wire):
    id: str | None = None
    type: str = "text"
    text: str | None = None


class PartUpdatedWire(Wire):
    turn_id: str
    message_id: str
    part_id: str | None = None
    part: WirePart
    delta: str | None = None


class MessageCompletedWire(Wire):
    turn_id: str
    message_id: str
    finish: str | None = None


class UsageWire(Wire):
    turn_id: str
    usage: WireUsage


class TurnCompletedWire(Wire):
    turn_id: str
    status: str = "completed"
    error: str | dict[str, Any] | None = None


# Keepalives carry nothing for the transcript.
IGNORED_EVENTS = frozenset({"server.heartbeat", "server.connected"})


def _error_text(error: str | dict[str, Any] | None) -> str | None:
    if isinstance(error, dict):
        message = error.get("message")
        return message if isinstance(message, str) else str(error)
    return error


def respond_event_to_domain(name: str, data: dict[str, Any]) -> DomainEvent | None:
    """Translate one `respond` frame; None for keepalives. Raises pydantic's ValidationError."""
    if name in IGNORED_EVENTS:
        return None
    match name:
        case "turn.started":
            return TurnStarted(TurnStartedWire.model_validate(data).turn_id)
        case "turn.status":
            status = TurnStatusWire.model_validate(data)
            return TurnStatusChanged(status.turn_id, status.status, status.message)
        case "message.created":
            created = MessageCreatedWire.model_validate(data)
            role = "user" if created.role == "user" else "assistant"
            return MessageCreated(created.turn_id, created.message_id, role)
        case "message.part.updated":
            update = PartUpdatedWire.model_validate(data)
            part_id = update.part_id or update.part.id
            if part_id is None:
                raise ValueError("message.part.updated names no part id")
            return PartUpdated(update.turn_id, update.message_id, part_id, update.part.type, update.part.text, update.delta)
        case "message.completed":
            done = MessageCompletedWire.model_validate(data)
            return MessageCompleted(done.turn_id, done.message_id, done.finish)
        case "session.usage":
            usage = UsageWire.model_validate(data)
            return UsageReported(usage.turn_id, usage.usage.to_domain())
        case "turn.completed":
            completed = TurnCompletedWire.model_validate(data)
            outcome = completed.status if completed.status in ("completed", "cancelled", "failed") else "failed"
            return TurnCompleted(completed.turn_id, outcome, _error_text(completed.error))  # type: ignore[arg-type]
    return UnknownEvent(name, data)
