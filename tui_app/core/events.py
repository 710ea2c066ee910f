"""Normalized domain events: what every backend's wire events become.

Each event names the stable ids it touches, so applying it twice, or after a replay, can be
recognised and made harmless by the reducer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]
TurnOutcome = Literal["completed", "cancelled", "failed"]


@dataclass(frozen=True, slots=True)
class UsageEntry:
    """One billable activity of a turn, as the server's audit log reports it."""

    id: str
    kind: str
    cost_micros: int | None
    """None when the service reported no usable price (the audit log says "unknown")."""
    model: str | None = None
    service: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Usage:
    """A turn's usage so far. A later report for the same turn replaces an earlier one."""

    model: str | None
    input_tokens: int
    output_tokens: int
    llm_cost_micros: int | None
    """The turn's direct LLM cost (`usage.costMicros`)."""
    total_cost_micros: int | None
    """The sum of every billable entry (`usage.summary.costMicros`): what the turn costs."""
    entries: tuple[UsageEntry, ...] = ()
    credits_remaining: int | None = None
    """What the account has left after this turn, where the service says (Stewrd)."""


@dataclass(frozen=True, slots=True)
class UserMessageSent:
    message_id: str
    text: str


@dataclass(frozen=True, slots=True)
class TurnStarted:
    turn_id: str


@dataclass(frozen=True, slots=True)
class TurnStatusChanged:
    turn_id: str
    status: str
    message: str | None = None


@dataclass(frozen=True, slots=True)
class MessageCreated:
    turn_id: str
    message_id: str
    role: Role = "assistant"


ToolState = str
"""`pending` → `running` → `completed` | `error`, as the services name them; another word a
service may use is kept as it is."""


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One call of a tool by the agent, as every backend maps it. Every string is the service's
    own (untrusted): sanitise it and never read it as markup when it is shown."""

    name: str
    state: ToolState
    input: str = ""
    """The arguments as the service sent them (JSON text for a structured input)."""
    output: str | None = None
    error: str | None = None
    title: str | None = None
    """What the call is doing, in the service's words ("Searching for cats")."""
    cost_micros: int | None = None

    @property
    def failed(self) -> bool:
        return self.state in ("error", "failed")


@dataclass(frozen=True, slots=True)
class PartUpdated:
    """A part's text. `text`, when present, is the full text so far and always wins over `delta`.

    A tool part carries its call in `tool` (its whole state so far) and no text; events stored by
    earlier versions have only a line of `text` for a tool part, and are shown as that line."""

    turn_id: str
    message_id: str
    part_id: str
    kind: str
    text: str | None = None
    delta: str | None = None
    tool: ToolCall | None = None


@dataclass(frozen=True, slots=True)
class MessageCompleted:
    turn_id: str
    message_id: str
    finish: str | None = None


@dataclass(frozen=True, slots=True)
class UsageReported:
    turn_id: str
    usage: Usage


@dataclass(frozen=True, slots=True)
class TurnCompleted:
    turn_id: str
    outcome: TurnOutcome
    error: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionOption:
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    question: str
    header: str = ""
    options: tuple[QuestionOption, ...] = ()
    multiple: bool = False
    custom: bool = True
    """Whether a typed answer is allowed besides the options."""


@dataclass(frozen=True, slots=True)
class QuestionAsked:
    """The agent waits for answers to `questions` (one list of labels per question)."""

    turn_id: str
    request_id: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class QuestionSettled:
    """A question was answered (`answers`), or rejected (`answers` is None)."""

    turn_id: str
    request_id: str
    answers: tuple[tuple[str, ...], ...] | None


QuestionOutcome = Literal["waiting", "answered", "rejected", "unanswered"]
"""What became of a question: still `waiting`; `answered`; `rejected` (by the service, or
another client, or a cancelled turn); `unanswered` (its turn ended while it waited)."""


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """The transcript's record of one request of questions: what was asked, and what became of it."""

    request_id: str
    questions: tuple[Question, ...]
    outcome: QuestionOutcome = "waiting"
    answers: tuple[tuple[str, ...], ...] | None = None
    """One tuple of labels (or typed text) per question, once answered."""
    deferred: bool = False
    """The user put it off ("Later") at least once."""


@dataclass(frozen=True, slots=True)
class QuestionRecorded:
    """The client's own record of a question, kept in the transcript where it was asked: a part
    of its turn's message (`message_id`). Made by the client from the question events and the
    user's replies (`core/question_notes.py`), never sent by a service; stored like any event,
    so the record survives a restart and reaches the export."""

    turn_id: str
    message_id: str
    record: QuestionRecord


@dataclass(frozen=True, slots=True)
class StreamInterrupted:
    """The connection dropped mid-turn; the adapter retries in `retry_in` seconds."""

    turn_id: str | None
    attempt: int
    retry_in: float
    reason: str


@dataclass(frozen=True, slots=True)
class StreamResumed:
    turn_id: str | None
    after_event_id: int | None


ResumeCause = Literal["reconnect", "restart"]


@dataclass(frozen=True, slots=True)
class FeedReplayed:
    """What a resumed event feed brought back of a turn (after a reconnect, or a restart of the
    app), judged by the event ids the adapter saw: made by the client, stored like any event, and
    worded by `core/completeness.py`. One follow of a turn may reconnect several times: each mark
    covers them all so far, and replaces the one before it (same turn, same `after_event_id`)."""

    turn_id: str | None
    cause: ResumeCause
    """Why the follow began: the stream broke, or the app started again."""
    after_event_id: int | None
    """The first resume asked for the events after this id."""
    first_event_id: int | None
    """The first id the feed sent back."""
    events: int
    """Events the feed delivered over every resume of this follow."""
    resumes: int = 1
    """Connections that delivered something."""
    missing: tuple[tuple[int, int], ...] = ()
    """(first, last) ids of each run of events the service did not replay."""
    numbered: bool = True
    """False when the ids were not numbers: then nothing can be said of what is missing."""


@dataclass(frozen=True, slots=True)
class StreamGaveUp:
    """The adapter stopped trying to resume a stream: `attempts` reconnects over `seconds` since
    it first broke, the last for `reason`. The turn may still finish on the service."""

    turn_id: str | None
    attempts: int
    seconds: float
    reason: str


@dataclass(frozen=True, slots=True)
class ReturnedFile:
    path: str
    content: str


@dataclass(frozen=True, slots=True)
class FilesReturned:
    """Files a service handed back with a reply (Stewrd's `files`). It keeps no list to ask for
    later, so the event log is where they live."""

    turn_id: str
    files: tuple[ReturnedFile, ...]


@dataclass(frozen=True, slots=True)
class UnknownEvent:
    """An event this client does not understand: kept for the record, ignored by the reducer."""

    name: str
    payload: dict[str, Any] = field(default_factory=dict)


DomainEvent = (
    UserMessageSent
    | TurnStarted
    | TurnStatusChanged
    | MessageCreated
    | PartUpdated
    | MessageCompleted
    | UsageReported
    | TurnCompleted
    | QuestionAsked
    | QuestionSettled
    | QuestionRecorded
    | StreamInterrupted
    | StreamResumed
    | FeedReplayed
    | StreamGaveUp
    | FilesReturned
    | UnknownEvent
)
