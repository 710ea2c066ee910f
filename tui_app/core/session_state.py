"""The session state machine: `advance(status, event, now)` gives the next status.

It is fed the domain events of turns and the controller's own events (opened, queued, ...).
Time is passed in, never read, so the machine is pure and tests can replay it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from tui_app.core.events import (
    DomainEvent,
    PartUpdated,
    QuestionAsked,
    QuestionSettled,
    StreamInterrupted,
    StreamResumed,
    TurnCompleted,
    TurnStarted,
    TurnStatusChanged,
)

StateKind = Literal[
    "creating", "ready", "sending", "streaming", "asking", "resuming", "queued",
    "cancelling", "idle", "expired", "ended", "failed",
]  # fmt: skip
TERMINAL: frozenset[StateKind] = frozenset({"expired", "ended"})
BUSY: frozenset[StateKind] = frozenset({"sending", "streaming", "asking", "resuming", "queued", "cancelling"})


@dataclass(frozen=True, slots=True)
class SessionStatus:
    kind: StateKind
    since: float
    """When this state began: a resume's start, for its timer."""
    retry_at: float | None = None
    """For `queued`: when the message will be sent again."""
    error: str | None = None
    """For `failed` and `expired`: why. For other states: the last turn's problem, if any."""
    final_cost: int | None = None
    runtime_ms: int | None = None
    reconnecting: bool = False
    """The stream dropped and the adapter is resuming it (the state itself is unchanged)."""


# The controller's own events.
@dataclass(frozen=True, slots=True)
class Opened:
    pass


@dataclass(frozen=True, slots=True)
class SendStarted:
    pass


@dataclass(frozen=True, slots=True)
class Queued:
    retry_at: float
    reason: str


@dataclass(frozen=True, slots=True)
class CancelRequested:
    pass


@dataclass(frozen=True, slots=True)
class SendFailed:
    """The message was not accepted; the session itself is still usable."""

    error: str


@dataclass(frozen=True, slots=True)
class Expired:
    reason: str


@dataclass(frozen=True, slots=True)
class Ended:
    final_cost: int | None
    runtime_ms: int | None


@dataclass(frozen=True, slots=True)
class Failed:
    error: str


@dataclass(frozen=True, slots=True)
class WentIdle:
    """The service snapshotted the session after its idle timeout."""


ControllerEvent = Opened | SendStarted | Queued | CancelRequested | SendFailed | Expired | Ended | Failed | WentIdle


def initial(now: float) -> SessionStatus:
    return SessionStatus("creating", now)


def _to(status: SessionStatus, kind: StateKind, now: float, **changes: object) -> SessionStatus:
    if status.kind == kind and not changes:
        return status
    return replace(SessionStatus(kind, now, error=status.error), **changes)


def advance(status: SessionStatus, event: DomainEvent | ControllerEvent, now: float) -> SessionStatus:
    """The status after `event`. Ended and expired sessions stay so."""
    if status.kind in TERMINAL:
        return status
    busy = status.kind in BUSY
    match event:
        case Opened():
            return _to(status, "ready", now, error=None)
        case SendStarted():
            return _to(status, "sending", now, error=None)
        case Queued(retry_at=retry_at, reason=reason):
            return _to(status, "queued", now, retry_at=retry_at, error=reason)
        case CancelRequested():
            return _to(status, "cancelling", now) if busy else status
        case SendFailed(error=error):
            return _to(status, "ready", now, error=error)
        case Expired(reason=reason):
            return _to(status, "expired", now, error=reason)
        case Ended(final_cost=cost, runtime_ms=runtime):
            return _to(status, "ended", now, final_cost=cost, runtime_ms=runtime)
        case Failed(error=error):
            return _to(status, "failed", now, error=error)
        case WentIdle():
            return status if busy else _to(status, "idle", now)
        case TurnStatusChanged(status="resuming"):
            return _to(status, "resuming", now)
        case TurnStatusChanged(status="waiting"):
            return status  # the question event itself moves to `asking`
        case TurnStarted() | TurnStatusChanged() | PartUpdated():
            if status.kind in ("sending", "queued", "resuming", "idle"):
                return _to(status, "streaming", now)
            return status
        case QuestionAsked():
            return _to(status, "asking", now) if status.kind != "cancelling" else status
        case QuestionSettled():
            return _to(status, "streaming", now) if status.kind == "asking" else status
        case StreamInterrupted():
            return replace(status, reconnecting=True)
        case StreamResumed():
            return replace(status, reconnecting=False)
        case TurnCompleted(outcome=outcome, error=error):
            note = error if outcome == "failed" else None
            return _to(status, "ready", now, error=note)
    return status
