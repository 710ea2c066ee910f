"""The client's records of questions, derived from the question events and the user's replies.

The services say a question was asked and settled (`QuestionAsked`, `QuestionSettled`), or the
turn ends; the transcript's messages never hear of it. After each such event the controller
asks `notes` for the `QuestionRecorded` events that bring the transcript's records up to date,
and applies and stores them like any event: a message event, so a restored session gets its
records from the store's projections, as it gets its text.
"""

from __future__ import annotations

from tui_app.core import question_records
from tui_app.core.events import (
    DomainEvent,
    QuestionAsked,
    QuestionOutcome,
    QuestionRecord,
    QuestionRecorded,
    QuestionSettled,
    TurnCompleted,
)
from tui_app.core.transcript import AskedQuestion, Transcript

_QUESTION_EVENTS = (QuestionAsked, QuestionSettled, TurnCompleted)


def notes(before: Transcript, after: Transcript, event: DomainEvent) -> tuple[QuestionRecorded, ...]:
    """The records that `event` (which turned `before` into `after`) asks for: one for a
    question just asked, one for each whose state changed. None for a replayed or other event."""
    if type(event) not in _QUESTION_EVENTS or after.questions is before.questions:
        return ()
    earlier = {asked.id: asked for asked in before.questions}
    found: list[QuestionRecorded] = []
    for asked in after.questions:
        if earlier.get(asked.id) is asked:
            continue
        place, record = recorded(after, asked)
        outcome = _outcome(asked, ended_turn=isinstance(event, TurnCompleted))
        deferred = record.deferred if record is not None else False
        new = QuestionRecord(asked.id, asked.questions, outcome, asked.answers, deferred)
        if new != record:
            found.append(QuestionRecorded(asked.turn_id, place, new))
    return tuple(found)


def deferred(transcript: Transcript, request_id: str) -> QuestionRecorded | None:
    """The record of a question the user put off ("Later"), if it still waits and was not
    marked so already."""
    asked = next((q for q in transcript.questions if q.id == request_id), None)
    if asked is None or asked.state != "pending":
        return None
    place, record = recorded(transcript, asked)
    if record is None:
        record = QuestionRecord(asked.id, asked.questions)
    if record.deferred:
        return None
    later = QuestionRecord(record.request_id, record.questions, record.outcome, record.answers, True)
    return QuestionRecorded(asked.turn_id, place, later)


def recorded(transcript: Transcript, asked: AskedQuestion) -> tuple[str, QuestionRecord | None]:
    """Where the record of `asked` is (a message id) and what it says; for a question not
    recorded yet, where it goes: the end of its turn's latest message (where the agent was when
    it asked), or a message of its own when the turn has none."""
    part_id = question_records.part_id(asked.id)
    place = None
    for message in reversed(transcript.messages):
        if message.turn_id != asked.turn_id:
            continue
        for part in message.parts:
            if part.id == part_id:
                return message.id, part.question
        if place is None:
            place = message.id
    return place or part_id, None


def _outcome(asked: AskedQuestion, ended_turn: bool) -> QuestionOutcome:
    if asked.state == "answered":
        return "answered"
    if asked.state == "rejected":
        # The reducer rejects what a turn leaves waiting; the service did not.
        return "unanswered" if ended_turn else "rejected"
    return "waiting"
