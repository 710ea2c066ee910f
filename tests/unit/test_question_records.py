"""Questions recorded in the transcript where they were asked: what was asked, what you answered,
or that it was deferred, rejected or left when the turn ended; kept through the store."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from tui_app.core import question_notes, question_records, transcript as reducer
from tui_app.core.event_codec import decode, encode
from tui_app.core.events import (
    DomainEvent,
    MessageCreated,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionOption,
    QuestionRecord,
    QuestionRecorded,
    QuestionSettled,
    TurnCompleted,
    TurnStarted,
    UserMessageSent,
)
from tui_app.core.transcript import Transcript
from tui_app.persistence.store import SessionRecord, Store

FORMAT = Question("How long should my answer be?", "Format", (QuestionOption("Short", "A few lines"), QuestionOption("Detailed")))
TOPICS = Question("Which topics?", "Topics", (QuestionOption("Cost"), QuestionOption("Streaming")), multiple=True)


def live(events: list[DomainEvent]) -> tuple[Transcript, list[DomainEvent]]:
    """What the controller does: each event applied, then the records it asks for. Returns the
    transcript and every event as stored (the records included)."""
    transcript = Transcript()
    stored: list[DomainEvent] = []
    for event in events:
        stored.append(event)
        earlier, transcript = transcript, reducer.apply(transcript, event)
        for note in question_notes.notes(earlier, transcript, event):
            stored.append(note)
            transcript = reducer.apply(transcript, note)
    return transcript, stored


def turn_until_asked(request: str = "q1") -> list[DomainEvent]:
    return [
        UserMessageSent("u1", "quiz me"),
        TurnStarted("t1"),
        MessageCreated("t1", "m1"),
        PartUpdated("t1", "m1", "r", "reasoning", text="I will ask first."),
        QuestionAsked("t1", request, (FORMAT, TOPICS)),
    ]


def records(transcript: Transcript) -> list[tuple[str, QuestionRecord]]:
    return [(m.id, p.question) for m in transcript.messages for p in m.parts if p.question is not None]


def test_a_question_is_recorded_where_it_was_asked_and_the_reply_follows_it() -> None:
    transcript, _ = live(
        turn_until_asked()
        + [
            QuestionSettled("t1", "q1", (("Short",), ("Cost", "Streaming"))),
            PartUpdated("t1", "m1", "t", "text", text="Here is a short answer."),
            TurnCompleted("t1", "completed"),
        ]
    )
    message = transcript.messages[-1]
    assert [part.kind for part in message.parts] == ["reasoning", "question", "text"]
    record = message.parts[1].question
    assert record == QuestionRecord("q1", (FORMAT, TOPICS), "answered", (("Short",), ("Cost", "Streaming")))
    shown = message.display_text
    assert "How long should my answer be?" in shown and "Short — A few lines" in shown
    assert "*Your answer:* Cost, Streaming" in shown and "*Answered*" in shown
    assert shown.index("How long") < shown.index("Here is a short answer.")
    assert message.text == "Here is a short answer."  # copying the reply copies its words only


def test_a_question_left_when_the_turn_ends_says_so_and_a_rejected_one_says_rejected() -> None:
    ended, _ = live(turn_until_asked() + [TurnCompleted("t1", "failed", "boom")])
    assert records(ended)[0][1].outcome == "unanswered"
    assert "the turn ended first" in ended.messages[-1].display_text

    rejected, _ = live(turn_until_asked() + [QuestionSettled("t1", "q1", None), TurnCompleted("t1", "cancelled")])
    assert records(rejected)[0][1].outcome == "rejected"


def test_a_deferred_question_says_so_until_and_after_it_is_settled() -> None:
    transcript, stored = live(turn_until_asked())
    note = question_notes.deferred(transcript, "q1")
    assert note is not None and note.record.deferred and note.message_id == "m1"
    transcript = reducer.apply(transcript, note)
    assert "Waiting for your answer (deferred)" in transcript.messages[-1].display_text
    assert question_notes.deferred(transcript, "q1") is None  # once is enough
    settled = QuestionSettled("t1", "q1", None)
    after = reducer.apply(transcript, settled)
    (again,) = question_notes.notes(transcript, after, settled)
    assert again.record.deferred and again.record.outcome == "rejected"
    assert question_records.outcome_line(again.record) == "Not answered: deferred, then rejected"


def test_a_replayed_question_records_nothing_twice() -> None:
    transcript, stored = live(turn_until_asked())
    asked = stored[-2]
    assert isinstance(asked, QuestionAsked) and isinstance(stored[-1], QuestionRecorded)
    assert question_notes.notes(transcript, reducer.apply(transcript, asked), asked) == ()
    assert reducer.apply(transcript, stored[-1]) is transcript


def test_a_question_in_a_turn_without_a_message_gets_a_message_of_its_own() -> None:
    transcript, _ = live([TurnStarted("t1"), QuestionAsked("t1", "q1", (FORMAT,))])
    assert [m.id for m in transcript.messages] == ["question:q1"]
    assert transcript.messages[0].role == "assistant" and transcript.messages[0].turn_id == "t1"


def test_a_record_survives_the_codec_and_hostile_text_stays_text() -> None:
    hostile = Question("Pick *one* [link](x)\x1b[31m\nsecond line", "H_", (QuestionOption("**A**"),))
    note = QuestionRecorded("t1", "m1", QuestionRecord("q1", (hostile,), "answered", (("**A**",),), True))
    assert decode(encode(note)) == note
    markdown = question_records.to_markdown(note.record)
    assert "\x1b" not in markdown and "\\*one\\*" in markdown and "\\[link]" in markdown
    assert "second line" in markdown.splitlines()[0]


# -- through the store: restored as a replay builds it


def store_with(tmp_path: Path, events: list[DomainEvent]) -> Store:
    store = Store(tmp_path / "tui-app.db")
    store.save_session(SessionRecord("s1", "local", None, "T", None, "ready", "micros", 1.0, 1.0))
    store.append_events("s1", events)
    assert store.flush(timeout=30)
    return store


def test_a_restored_session_shows_its_questions_where_they_were_asked(tmp_path: Path) -> None:
    transcript, stored = live(
        turn_until_asked()
        + [QuestionSettled("t1", "q1", (("Short",), ("Cost",))), PartUpdated("t1", "m1", "t", "text", text="Short."), TurnCompleted("t1", "completed")]
    )
    with store_with(tmp_path, stored) as store:
        restored = store.load_transcript("s1").transcript
    assert restored == transcript
    assert records(restored)[0][1].answers == (("Short",), ("Cost",))


_ACTIONS = st.lists(
    st.sampled_from(["ask", "ask-again", "defer", "answer", "reject", "end", "text", "new-turn"]), max_size=14
)


@settings(max_examples=60, deadline=None)
@given(actions=_ACTIONS)
def test_restoring_equals_replaying_whatever_becomes_of_the_questions(tmp_path_factory, actions: list[str]) -> None:  # type: ignore[no-untyped-def]
    events: list[DomainEvent] = [UserMessageSent("u0", "hi"), TurnStarted("t0"), MessageCreated("t0", "m0")]
    transcript, stored = live(events)
    turn, asked = 0, 0
    for action in actions:
        event: DomainEvent | None = None
        match action:
            case "ask":
                asked += 1
                event = QuestionAsked(f"t{turn}", f"q{asked}", (FORMAT,))
            case "ask-again" if asked:
                event = QuestionAsked(f"t{turn}", f"q{asked}", (FORMAT,))  # a replay after a reconnect
            case "answer" if asked:
                event = QuestionSettled(f"t{turn}", f"q{asked}", (("Short",),))
            case "reject" if asked:
                event = QuestionSettled(f"t{turn}", f"q{asked}", None)
            case "end":
                event = TurnCompleted(f"t{turn}", "completed")
            case "text":
                event = PartUpdated(f"t{turn}", f"m{turn}", f"p{len(stored)}", "text", text="words")
            case "new-turn":
                turn += 1
                event = TurnStarted(f"t{turn}")
            case "defer" if asked:
                note = question_notes.deferred(transcript, f"q{asked}")
                if note is not None:
                    stored.append(note)
                    transcript = reducer.apply(transcript, note)
        if event is not None:
            transcript, more = live_from(transcript, event)
            stored += more
    with store_with(tmp_path_factory.mktemp("store"), stored) as store:
        assert store.load_transcript("s1").transcript == reducer.apply_all(Transcript(), stored) == transcript


def live_from(transcript: Transcript, event: DomainEvent) -> tuple[Transcript, list[DomainEvent]]:
    stored: list[DomainEvent] = [event]
    earlier, transcript = transcript, reducer.apply(transcript, event)
    for note in question_notes.notes(earlier, transcript, event):
        stored.append(note)
        transcript = reducer.apply(transcript, note)
    return transcript, stored
