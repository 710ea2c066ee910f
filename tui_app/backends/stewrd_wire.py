"""Stewrd sessions wire models (pydantic) and their translation to domain events.

Stewrd's stream names no turn, message or part (PROTOCOL.md "Stewrd sessions"), so `StewrdTurn`
makes the ids for one send itself and keeps the reply's text so far: every text update carries
the full text, which makes a duplicated or replayed frame harmless to the reducer.

Lenient by design: unknown fields are allowed, unknown event names become `UnknownEvent`, and a
payload that fails validation raises pydantic's `ValidationError` for the caller to log and skip.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tui_app.backends.wire_json import Micros
from tui_app.core.events import (
    DomainEvent,
    FilesReturned,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    ReturnedFile,
    ToolCall,
    TurnCompleted,
    TurnStarted,
    UnknownEvent,
    Usage,
    UsageReported,
)


class Wire(BaseModel):
    # Stewrd's field names are snake_case already; newer servers may add fields we do not read.
    model_config = ConfigDict(extra="allow")


class SessionCreated(Wire):
    """`POST /v1/sessions` → 201."""

    id: str
    object: str = "session"
    status: str = "active"


class CreditUsage(Wire):
    """What a request cost, in credits (integers), and how many tokens it used."""

    credits_remaining: Micros = None
    credits_this_request: Micros = None
    tokens_used: int | None = None

    def is_empty(self) -> bool:
        return self.credits_remaining is None and self.credits_this_request is None and self.tokens_used is None

    def to_domain(self) -> Usage:
        # Stewrd bills credits, not micro-dollars: both cost fields hold the credits charged, and
        # the backend declares `Capabilities(money="credits")` so the UI formats them as credits.
        # `tokens_used` is one number for the whole request; Stewrd does not split it.
        return Usage(
            model=None,
            input_tokens=0,
            output_tokens=self.tokens_used or 0,
            llm_cost_micros=self.credits_this_request,
            total_cost_micros=self.credits_this_request,
            credits_remaining=self.credits_remaining,
        )


class OutputFile(Wire):
    name: str | None = None
    content: str | None = None


class MessageResponse(Wire):
    """`POST /v1/sessions/{id}/messages` without `stream`: the whole reply at once."""

    id: str | None = None
    object: str = "session.message"
    session_id: str | None = None
    message: str = ""
    capabilities_used: list[str] = Field(default_factory=list)
    files: list[OutputFile] = Field(default_factory=list)
    usage: CreditUsage | None = None
    meta: dict[str, Any] | None = None


class TokenEvent(Wire):
    # The server sends `{text}`, the docs say `{content}`: accept either (PROTOCOL.md).
    text: str | None = None
    content: str | None = None

    @property
    def piece(self) -> str:
        piece = self.text if self.text is not None else self.content
        if piece is None:
            raise ValueError("a token event carries neither `text` nor `content`")
        return piece


class ToolStartEvent(Wire):
    tool: str
    message: str | None = None


class ToolEndEvent(Wire):
    tool: str


class DoneEvent(Wire):
    """The end of a reply. Credit fields come nested in `usage`, flat at the top level, or both."""

    message: str | None = None
    files: list[OutputFile] = Field(default_factory=list)
    usage: CreditUsage | None = None
    credits_remaining: Micros = None
    credits_this_request: Micros = None
    tokens_used: int | None = None
    duration_ms: int | None = None

    def credit_usage(self) -> CreditUsage:
        """Nested values where present, flat ones otherwise, field by field."""
        nested = self.usage or CreditUsage()
        return CreditUsage(
            credits_remaining=_first(nested.credits_remaining, self.credits_remaining),
            credits_this_request=_first(nested.credits_this_request, self.credits_this_request),
            tokens_used=_first(nested.tokens_used, self.tokens_used),
        )


class ErrorEvent(Wire):
    code: str | None = None
    message: str | None = None

    def text(self) -> str:
        return self.message or (f"Stewrd reported {self.code}" if self.code else "Stewrd reported an error")


def _first(*values: int | None) -> int | None:
    return next((value for value in values if value is not None), None)


# Keepalives carry nothing for the transcript (the local server names its keepalive `ping`).
IGNORED_EVENTS = frozenset({"ping", "heartbeat"})


@dataclass(slots=True)
class StewrdTurn:
    """One send's ids and the reply's text so far; translates that send's frames to domain events."""

    turn_id: str
    message_id: str
    text: str = ""
    _open_tools: dict[str, tuple[str, ToolCall]] = field(default_factory=dict)
    """Tool name → part id and call of its latest `tool_start`, so `tool_end` finds the part it
    closes (and keeps the words the start said)."""
    _tools_started: int = 0

    @classmethod
    def new(cls) -> StewrdTurn:
        # One random suffix per send: ids stay unique across sessions and app restarts.
        suffix = uuid.uuid4().hex
        return cls(turn_id=f"stewrd_turn_{suffix}", message_id=f"stewrd_msg_{suffix}")

    @property
    def text_part_id(self) -> str:
        return f"{self.message_id}:text"

    def opening(self) -> list[DomainEvent]:
        """What the turn shows once Stewrd accepted the message, before any frame arrives."""
        return [TurnStarted(self.turn_id), MessageCreated(self.turn_id, self.message_id, "assistant")]

    def to_domain(self, name: str, data: dict[str, Any]) -> list[DomainEvent]:
        """Translate one stream frame; [] for keepalives. Raises `ValidationError`/`ValueError`."""
        if name in IGNORED_EVENTS:
            return []
        match name:
            case "token":
                piece = TokenEvent.model_validate(data).piece
                self.text += piece
                return [self._text_update(piece)]
            case "tool_start":
                start = ToolStartEvent.model_validate(data)
                call = ToolCall(name=start.tool, state="running", title=start.message)
                part_id = self._new_tool_part()
                self._open_tools[start.tool] = (part_id, call)
                return [PartUpdated(self.turn_id, self.message_id, part_id, "tool", tool=call)]
            case "tool_end":
                end = ToolEndEvent.model_validate(data)
                # An end without a start we saw is still worth showing, on a part of its own.
                part_id, call = self._open_tools.pop(end.tool, None) or (self._new_tool_part(), ToolCall(end.tool, "running"))
                done = replace(call, state="completed")
                return [PartUpdated(self.turn_id, self.message_id, part_id, "tool", tool=done)]
            case "done":
                return self._finish(DoneEvent.model_validate(data))
            case "error":
                error = ErrorEvent.model_validate(data)
                return [
                    MessageCompleted(self.turn_id, self.message_id, "error"),
                    TurnCompleted(self.turn_id, "failed", error.text()),
                ]
        return [UnknownEvent(name, data)]

    def from_reply(self, reply: MessageResponse) -> list[DomainEvent]:
        """The events of a whole (non-streamed) reply, after `opening()`."""
        done = DoneEvent(message=reply.message, files=reply.files, usage=reply.usage)
        return self._finish(done)

    def cut_off(self, reason: str) -> list[DomainEvent]:
        """The turn's end when its stream broke: Stewrd cannot resume it, so it failed."""
        return [
            MessageCompleted(self.turn_id, self.message_id, "cut_off"),
            TurnCompleted(self.turn_id, "failed", reason),
        ]

    def _new_tool_part(self) -> str:
        self._tools_started += 1
        return f"{self.message_id}:tool:{self._tools_started}"

    def _text_update(self, delta: str | None) -> PartUpdated:
        return PartUpdated(self.turn_id, self.message_id, self.text_part_id, "text", self.text, delta)

    def _finish(self, done: DoneEvent) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        # `done.message` is the whole reply: it wins over what the tokens built, if they differ.
        if done.message is not None and done.message != self.text:
            self.text = done.message
            events.append(self._text_update(None))
        events.append(MessageCompleted(self.turn_id, self.message_id, "done"))
        # A file without a name cannot be listed or saved; one without content is empty.
        files = tuple(ReturnedFile(f.name, f.content or "") for f in done.files if f.name)
        if files:
            events.append(FilesReturned(self.turn_id, files))
        usage = done.credit_usage()
        if not usage.is_empty():
            events.append(UsageReported(self.turn_id, usage.to_domain()))
        events.append(TurnCompleted(self.turn_id, "completed"))
        return events
