"""Case.dev agent chat wire models (pydantic) and their translation to domain events.

Lenient by design (PROTOCOL.md): unknown fields are allowed, unknown event names become
`UnknownEvent`, and a payload that fails validation is logged and skipped by the caller.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tui_app.backends.base import RemoteFile
from tui_app.backends.wire_json import Micros
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionOption,
    QuestionSettled,
    ToolCall,
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
    cost_micros: Micros = None


class WireUsageSummary(Wire):
    cost_micros: Micros = None
    total_input_tokens: int | None = None
    total_output_tokens: int | None = None


class WireUsage(Wire):
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_micros: Micros = None
    summary: WireUsageSummary | None = None
    entries: list[WireUsageEntry] = Field(default_factory=list)

    def to_domain(self) -> Usage:
        total = self.summary.cost_micros if self.summary else None
        if total is None and self.entries:
            costs = [entry.cost_micros for entry in self.entries]
            # One entry without a usable price makes the sum unknown, not smaller.
            total = None if None in costs else sum(c for c in costs if c is not None)
        elif total is None:
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


class WireToolState(Wire):
    """OpenCode's tool state: `pending {input}` → `running {input, title?}` →
    `completed {input, output, title}` | `error {input, error}`."""

    status: str = "pending"
    input: Any = None
    output: Any = None
    error: Any = None
    title: Any = None
    cost_micros: Micros = None


class WirePart(Wire):
    id: str | None = None
    type: str = "text"
    text: str | None = None
    tool: str | None = None
    state: WireToolState | None = None

    def to_event(self, turn_id: str, message_id: str, part_id: str, delta: str | None) -> PartUpdated:
        """The domain event: a tool part carries its call, every other part its text."""
        if self.type != "tool":
            return PartUpdated(turn_id, message_id, part_id, self.type, self.text, delta)
        return PartUpdated(turn_id, message_id, part_id, "tool", tool=self.tool_call())

    def tool_call(self) -> ToolCall:
        state = self.state or WireToolState()
        return ToolCall(
            name=self.tool or "tool",
            state=state.status,
            input=_as_text(state.input) or "",
            output=_as_text(state.output),
            error=_as_text(state.error),
            title=_as_text(state.title),
            cost_micros=state.cost_micros,
        )


def _as_text(value: Any) -> str | None:
    """A value of the service's as text: a string as it is, anything structured as JSON."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


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


class WireOption(Wire):
    label: str
    description: str = ""


class WireQuestion(Wire):
    question: str
    header: str = ""
    options: list[WireOption] = Field(default_factory=list)
    multiple: bool = False
    custom: bool = True

    def to_domain(self) -> Question:
        options = tuple(QuestionOption(o.label, o.description) for o in self.options)
        return Question(self.question, self.header, options, self.multiple, self.custom)


class QuestionAskedWire(Wire):
    turn_id: str = ""
    request_id: str = Field(alias="requestID")
    questions: list[WireQuestion]


class QuestionSettledWire(Wire):
    turn_id: str = ""
    request_id: str = Field(alias="requestID")
    answers: list[list[str]] | None = None


def _settled(wire: QuestionSettledWire, rejected: bool) -> QuestionSettled:
    answers = None if rejected else tuple(tuple(answer) for answer in wire.answers or [])
    return QuestionSettled(wire.turn_id, wire.request_id, answers)


# Keepalives carry nothing for the transcript.
IGNORED_EVENTS = frozenset({"server.heartbeat", "server.connected"})


def _error_text(error: str | dict[str, Any] | None) -> str | None:
    if isinstance(error, dict):
        message = error.get("message")
        return message if isinstance(message, str) else str(error)
    return error


# Field names pydantic would also read (populate_by_name): a payload with one goes the slow way.
_SNAKE_NAMES = frozenset({"turn_id", "message_id", "part_id"})


def text_part_update(data: dict[str, Any]) -> PartUpdated | None:
    """A text part's `message.part.updated`, nearly every event of a turn, read without pydantic
    (a quarter of the pipeline's time): what `PartUpdatedWire` would make of it, or None for
    anything but the plain shape (a tool part, a wrong type), which then takes the pydantic road
    and fails or succeeds there as ever (a property test holds the two to the same answers)."""
    turn, message, part = data.get("turnId"), data.get("messageId"), data.get("part")
    if type(turn) is not str or type(message) is not str or type(part) is not dict or not _SNAKE_NAMES.isdisjoint(data):
        return None
    kind, text, part_id, delta = part.get("type", "text"), part.get("text"), data.get("partId"), data.get("delta")
    if type(kind) is not str or kind == "tool" or part.get("state") is not None:
        return None
    for value in (text, part_id, delta, part.get("id"), part.get("tool")):
        if value is not None and type(value) is not str:
            return None
    part_id = part_id or part.get("id")
    if part_id is None:
        return None
    return PartUpdated(turn, message, part_id, kind, text, delta)


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
            if (event := text_part_update(data)) is not None:
                return event
            update = PartUpdatedWire.model_validate(data)
            part_id = update.part_id or update.part.id
            if part_id is None:
                raise ValueError("message.part.updated names no part id")
            return update.part.to_event(update.turn_id, update.message_id, part_id, update.delta)
        case "message.completed":
            done = MessageCompletedWire.model_validate(data)
            return MessageCompleted(done.turn_id, done.message_id, done.finish)
        case "session.usage":
            usage = UsageWire.model_validate(data)
            return UsageReported(usage.turn_id, usage.usage.to_domain())
        case "turn.completed":
            completed = TurnCompletedWire.model_validate(data)
            return TurnCompleted(completed.turn_id, _outcome(completed.status), _error_text(completed.error))
        case "question.asked":
            asked = QuestionAskedWire.model_validate(data)
            return QuestionAsked(asked.turn_id, asked.request_id, tuple(q.to_domain() for q in asked.questions))
        case "question.replied" | "question.rejected":
            return _settled(QuestionSettledWire.model_validate(data), rejected=name == "question.rejected")
    return UnknownEvent(name, data)


def _outcome(status: str | None) -> Literal["completed", "cancelled", "failed"]:
    if status in ("completed", "cancelled"):
        return status  # type: ignore[return-value]
    return "failed"


class StreamNormalizer:
    """Turns `/stream` events (OpenCode's `{type, properties}`, as Case.dev relays them) into the
    same domain events as `respond`'s. OpenCode events may not name the turn, so the normalizer
    remembers the turn it last saw."""

    def __init__(self, turn_id: str | None = None) -> None:
        self.turn_id = turn_id or ""
        self._messages: set[str] = set()
        self._started: set[str] = set()

    def _turn(self, properties: dict[str, Any]) -> str:
        turn = properties.get("turnId")
        if isinstance(turn, str) and turn:
            self.turn_id = turn
        return self.turn_id

    def to_domain(self, name: str, data: dict[str, Any]) -> DomainEvent | None:
        """Translate one `/stream` frame's JSON; None when it carries nothing for a session."""
        name = str(data.get("type") or name)
        props = data.get("properties")
        props = props if isinstance(props, dict) else {}
        if name in IGNORED_EVENTS:
            return None
        turn = self._turn(props)
        match name:
            case "session.status":
                status = props.get("status") or {}
                kind = status.get("type")
                if kind == "busy":
                    detail = status.get("turnStatus") or "running"
                    if turn and turn not in self._started:
                        self._started.add(turn)
                        return TurnStarted(turn)
                    return TurnStatusChanged(turn, str(detail), status.get("message"))
                if kind == "retry":
                    return TurnStatusChanged(turn, "retrying", status.get("message"))
                return None
            case "message.updated":
                info = props.get("info") or {}
                message_id = info.get("id")
                if not isinstance(message_id, str):
                    raise ValueError("message.updated has no info.id")
                role = "user" if info.get("role") == "user" else "assistant"
                if info.get("finish") or (info.get("time") or {}).get("completed"):
                    return MessageCompleted(turn, message_id, info.get("finish"))
                if message_id in self._messages:
                    return None
                self._messages.add(message_id)
                return MessageCreated(turn, message_id, role)  # type: ignore[arg-type]
            case "message.part.updated":
                part = WirePart.model_validate(props.get("part") or {})
                message_id = (props.get("part") or {}).get("messageID")
                if part.id is None or not isinstance(message_id, str):
                    raise ValueError("message.part.updated names no part or message id")
                delta = props.get("delta")
                return part.to_event(turn, message_id, part.id, delta if isinstance(delta, str) else None)
            case "message.part.delta":
                if props.get("field", "text") != "text":
                    return None
                return PartUpdated(turn, str(props["messageID"]), str(props["partID"]), "text", None, str(props["delta"]))
            case "question.asked":
                asked = QuestionAskedWire.model_validate({**props, "requestID": props.get("id"), "turnId": turn})
                return QuestionAsked(turn, asked.request_id, tuple(q.to_domain() for q in asked.questions))
            case "question.replied" | "question.rejected":
                wire = QuestionSettledWire.model_validate({**props, "turnId": turn})
                return _settled(wire, rejected=name == "question.rejected")
            case "session.usage":
                return UsageReported(turn, WireUsage.model_validate(props.get("usage") or {}).to_domain())
            case "session.idle":
                return TurnCompleted(turn, _outcome(props.get("status", "completed")), _error_text(props.get("error")))
            case "session.error":
                return TurnCompleted(turn, "failed", _error_text(props.get("error")) or "the session reported an error")
        return UnknownEvent(name, props)


class WireFile(Wire):
    """One entry of `GET …/files`; every field optional, as the SDK types it."""

    path: str | None = None
    name: str | None = None
    size_bytes: int | None = None

    def to_remote(self) -> RemoteFile | None:
        path = self.path or self.name
        if not path:
            return None
        size = self.size_bytes if isinstance(self.size_bytes, int) and self.size_bytes >= 0 else None
        return RemoteFile(path, size)


class FileListing(Wire):
    chat_id: str | None = None
    files: list[WireFile] = Field(default_factory=list)

    def to_remote(self) -> list[RemoteFile]:
        return [remote for entry in self.files if (remote := entry.to_remote()) is not None]
