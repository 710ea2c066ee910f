"""The transcript reducer: `apply(transcript, event)` returns the next transcript.

Every message, part and turn is keyed by its stable id, and a part carries its full text, so a
duplicated message or turn event changes nothing. (Delta-only duplicates are the client core's
issue to settle with event ids; a full text always overrides what deltas built.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import Literal, TypeVar

from tui_app.core import question_records, tool_calls
from tui_app.core.growing_text import GrowingText
from tui_app.core.message_part import Part
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionRecorded,
    QuestionSettled,
    Role,
    TurnCompleted,
    TurnStarted,
    ToolCall,
    TurnStatusChanged,
    UnknownEvent,
    Usage,
    UsageReported,
    UserMessageSent,
)

MESSAGE_EVENTS = (UserMessageSent, MessageCreated, PartUpdated, MessageCompleted, QuestionRecorded)
"""The events that change `Transcript.messages`, and nothing else; no other event changes the
messages. Restoring a session relies on it (`Store.load_transcript`): its messages come from the
store's projections, and only the other events are replayed. Keep it so."""

TurnState = Literal["running", "completed", "cancelled", "failed"]
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    role: Role
    turn_id: str | None
    parts: tuple[Part, ...] = ()
    completed: bool = False

    @property
    def text(self) -> str:
        """The message's own words: its text parts, in order."""
        return "".join(part.text for part in self.parts if part.kind == "text")

    @property
    def display_text(self) -> str:
        """Everything to show, as Markdown: reasoning quoted, tool calls as a marked block, then text."""
        shown: list[str] = []
        for part in self.parts:
            if part.kind == "text":
                shown.append(part.text)
            elif part.kind == "reasoning":
                quoted = "\n".join(f"> {line}" if line else ">" for line in part.text.splitlines())
                shown.append(f"> *thinking*\n>\n{quoted}\n\n")
            elif part.kind == "tool":
                call = part.tool
                shown.append(tool_calls.to_markdown(call if call is not None else _legacy_tool(part.text)))
            elif (record := part.question) is not None:
                shown.append(question_records.to_markdown(record))
        return "".join(shown)


def _legacy_tool(text: str) -> ToolCall:
    """A tool part stored before calls were structured: its line, shown as it was written."""
    return ToolCall(name="tool call", state="", output=text)


@dataclass(frozen=True, slots=True)
class Turn:
    id: str
    state: TurnState = "running"
    status: str | None = None
    """The server's latest word on a running turn (resuming, running, waiting, ...)."""
    usage: Usage | None = None
    error: str | None = None


QuestionState = Literal["pending", "answered", "rejected"]


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """Questions the agent asked in one request, and what became of them."""

    id: str
    turn_id: str
    questions: tuple[Question, ...]
    state: QuestionState = "pending"
    answers: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    messages: tuple[Message, ...] = ()
    turns: tuple[Turn, ...] = ()
    questions: tuple[AskedQuestion, ...] = ()

    @property
    def pending_questions(self) -> tuple[AskedQuestion, ...]:
        """Unanswered questions, oldest first: the queue the user works through."""
        return tuple(q for q in self.questions if q.state == "pending")

    @property
    def active_turn(self) -> Turn | None:
        last = self.turns[-1] if self.turns else None
        return last if last is not None and last.state == "running" else None

    @property
    def last_turn(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def message(self, message_id: str) -> Message | None:
        index = _find(self.messages, message_id)
        return None if index is None else self.messages[index]

    def turn(self, turn_id: str) -> Turn | None:
        index = _find(self.turns, turn_id)
        return None if index is None else self.turns[index]

    @property
    def input_tokens(self) -> int:
        return sum(turn.usage.input_tokens for turn in self.turns if turn.usage)

    @property
    def output_tokens(self) -> int:
        return sum(turn.usage.output_tokens for turn in self.turns if turn.usage)


def _find(items: tuple[Message, ...] | tuple[Turn, ...] | tuple[AskedQuestion, ...], item_id: str) -> int | None:
    # Updates almost always touch the newest item: look there first. Ids are unique in each
    # tuple, so any other match is the only one.
    last = len(items) - 1
    if last < 0:
        return None
    if items[last].id == item_id:
        return last
    try:
        return list(map(_ID, items)).index(item_id)
    except ValueError:
        return None


_ID = attrgetter("id")


def _replace_at(items: tuple[_T, ...], index: int, item: _T) -> tuple[_T, ...]:
    return items[:index] + (item,) + items[index + 1 :]


_TURN_FIELDS = tuple(field.name for field in fields(Turn))


def _upsert_turn(transcript: Transcript, turn_id: str, **changes: object) -> Transcript:
    index = _find(transcript.turns, turn_id)
    turn = Turn(turn_id) if index is None else transcript.turns[index]
    # The constructor, not `dataclasses.replace` (several times dearer; restoring runs this per event).
    values = {name: getattr(turn, name) for name in _TURN_FIELDS}
    values.update(changes)
    changed = Turn(**values)  # type: ignore[arg-type]
    turns = transcript.turns + (changed,) if index is None else _replace_at(transcript.turns, index, changed)
    return Transcript(transcript.messages, turns, transcript.questions)


def _with_messages(transcript: Transcript, messages: tuple[Message, ...]) -> Transcript:
    # The constructor, not `dataclasses.replace`: this runs for every streamed token, and
    # `replace` costs several times as much.
    return Transcript(messages, transcript.turns, transcript.questions)


def _ensure_message(transcript: Transcript, message_id: str, role: Role, turn_id: str | None) -> Transcript:
    if _find(transcript.messages, message_id) is not None:
        return transcript
    message = Message(id=message_id, role=role, turn_id=turn_id)
    return _with_messages(transcript, transcript.messages + (message,))


def _apply_part(transcript: Transcript, event: PartUpdated) -> Transcript:
    messages = transcript.messages
    index = _find(messages, event.message_id)
    if index is None:
        messages = messages + (Message(id=event.message_id, role="assistant", turn_id=event.turn_id),)
        transcript = _with_messages(transcript, messages)
        index = len(messages) - 1
    message = messages[index]
    part_index = None
    for i, part in enumerate(message.parts):
        if part.id == event.part_id:
            part_index = i
            break
    old_body = GrowingText() if part_index is None else message.parts[part_index].body
    text: str | GrowingText
    if event.tool is not None:
        old_call = tool_calls.decode(old_body.text) if old_body.size else None
        if old_call is not None and tool_calls.is_stale(event.tool, old_call):
            return transcript
        text = tool_calls.encode(event.tool)
    elif event.text is not None:
        # Text only grows while it streams: a full text that is a strict prefix of what we have
        # is a stale event delivered late, not a correction.
        if len(event.text) < old_body.size and old_body.startswith(event.text):
            return transcript
        text = event.text
    elif event.delta:
        # Appended, never re-joined: a reply costs time linear in its length.
        text = old_body.extended(event.delta)
    else:
        return transcript
    part = Part(event.part_id, event.kind, text)
    parts = message.parts + (part,) if part_index is None else _replace_at(message.parts, part_index, part)
    changed = Message(message.id, message.role, message.turn_id, parts, message.completed)
    return _with_messages(transcript, _replace_at(messages, index, changed))


def _record_question(transcript: Transcript, event: QuestionRecorded) -> Transcript:
    """Put the record in its part (made at the end of its message the first time, so it stays
    where the question was asked), creating the message if the turn had none."""
    transcript = _ensure_message(transcript, event.message_id, "assistant", event.turn_id)
    index = _find(transcript.messages, event.message_id)
    assert index is not None
    message = transcript.messages[index]
    part = Part(question_records.part_id(event.record.request_id), question_records.KIND, question_records.encode(event.record))
    at = next((i for i, old in enumerate(message.parts) if old.id == part.id), None)
    if at is not None and message.parts[at] == part:
        return transcript
    parts = message.parts + (part,) if at is None else _replace_at(message.parts, at, part)
    changed = Message(message.id, message.role, message.turn_id, parts, message.completed)
    return _with_messages(transcript, _replace_at(transcript.messages, index, changed))


def _older(usage: Usage, than: Usage) -> bool:
    """Whether `usage` is an earlier snapshot of the same turn than `than`."""
    return (usage.total_cost_micros or 0, usage.output_tokens) < (than.total_cost_micros or 0, than.output_tokens)


def apply(transcript: Transcript, event: DomainEvent) -> Transcript:
    """Return the transcript with `event` applied. Unknown events leave it unchanged."""
    if type(event) is PartUpdated:  # nearly every event: skip the match below
        return _apply_part(transcript, event)
    match event:
        case UserMessageSent(message_id=message_id, text=text):
            if transcript.message(message_id) is not None:
                return transcript
            message = Message(
                id=message_id,
                role="user",
                turn_id=None,
                parts=(Part(id=f"{message_id}:text", kind="text", text=text),),
                completed=True,
            )
            return _with_messages(transcript, transcript.messages + (message,))
        case TurnStarted(turn_id=turn_id):
            if transcript.turn(turn_id) is not None:
                return transcript
            return _upsert_turn(transcript, turn_id)
        case TurnStatusChanged(turn_id=turn_id, status=status):
            return _upsert_turn(transcript, turn_id, status=status)
        case MessageCreated(turn_id=turn_id, message_id=message_id, role=role):
            return _ensure_message(transcript, message_id, role, turn_id)
        case PartUpdated():
            return _apply_part(transcript, event)
        case MessageCompleted(message_id=message_id):
            index = _find(transcript.messages, message_id)
            if index is None:
                return transcript
            message = replace(transcript.messages[index], completed=True)
            return _with_messages(transcript, _replace_at(transcript.messages, index, message))
        case UsageReported(turn_id=turn_id, usage=usage):
            known = transcript.turn(turn_id)
            if known is not None and known.usage is not None and _older(usage, known.usage):
                return transcript  # a stale snapshot must not make the cost go down
            return _upsert_turn(transcript, turn_id, usage=usage)
        case TurnCompleted(turn_id=turn_id, outcome=outcome, error=error):
            # A turn that ends leaves none of its questions waiting.
            settled = tuple(
                replace(q, state="rejected") if q.turn_id == turn_id and q.state == "pending" else q
                for q in transcript.questions
            )
            transcript = replace(transcript, questions=settled)
            return _upsert_turn(transcript, turn_id, state=outcome, error=error, status=None)
        case QuestionAsked(turn_id=turn_id, request_id=request_id, questions=questions):
            if _find(transcript.questions, request_id) is not None:
                return transcript
            asked = AskedQuestion(request_id, turn_id, questions)
            return replace(transcript, questions=transcript.questions + (asked,))
        case QuestionSettled(request_id=request_id, answers=answers):
            index = _find(transcript.questions, request_id)
            if index is None or transcript.questions[index].state != "pending":
                return transcript
            state: QuestionState = "rejected" if answers is None else "answered"
            settled_one = replace(transcript.questions[index], state=state, answers=answers)
            return replace(transcript, questions=_replace_at(transcript.questions, index, settled_one))
        case QuestionRecorded():
            return _record_question(transcript, event)
        case UnknownEvent():
            return transcript
    return transcript


def apply_all(transcript: Transcript, events: Iterable[DomainEvent]) -> Transcript:
    """`apply` each of `events` in turn, in time linear in their number.

    `apply` copies the tuple it changes, which is fine for one event but O(n²) for a whole
    history (restoring a session replays every turn's events). Here each event is applied by
    `apply` itself to a transcript holding only the items it reads (its message, its turn, its
    question, or the questions of the turn it ends), and the result is put back by id: `apply`
    only ever changes the items it reads and adds new ones at the end, so the order is kept.
    """
    messages = {m.id: m for m in transcript.messages}
    turns = {t.id: t for t in transcript.turns}
    questions = {q.id: q for q in transcript.questions}
    for event in events:
        message_id = turn_id = request_id = None
        by_turn = False
        match event:
            case UserMessageSent() | MessageCreated() | PartUpdated() | MessageCompleted() | QuestionRecorded():
                message_id = event.message_id
            case TurnStarted() | TurnStatusChanged() | UsageReported():
                turn_id = event.turn_id
            case TurnCompleted():
                turn_id, by_turn = event.turn_id, True
            case QuestionAsked() | QuestionSettled():
                request_id = event.request_id
            case _:
                continue
        before = Transcript(
            () if message_id not in messages else (messages[message_id],),  # type: ignore[index]
            () if turn_id not in turns else (turns[turn_id],),  # type: ignore[index]
            tuple(q for q in questions.values() if q.turn_id == turn_id)
            if by_turn
            else (() if request_id not in questions else (questions[request_id],)),  # type: ignore[index]
        )
        after = apply(before, event)
        if after is before:
            continue
        messages.update((m.id, m) for m in after.messages)
        turns.update((t.id, t) for t in after.turns)
        questions.update((q.id, q) for q in after.questions)
    return Transcript(tuple(messages.values()), tuple(turns.values()), tuple(questions.values()))
