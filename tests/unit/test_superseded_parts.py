"""Of a run of updates to one part that each carry its whole text, a paced stream applies the last
(superseded_parts.py); every other event is applied, in its place, and the transcript and ledger
end up as if each update had been applied."""

from __future__ import annotations

import json

from tui_app.backends.sse_stream import SseMessage
from tui_app.backends.superseded_parts import LatestText, RawUpdate, raw_update
from tui_app.core import transcript as reducer
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    QuestionAsked,
    ToolCall,
    TurnCompleted,
    TurnStarted,
    Usage,
    UsageReported,
)
from tui_app.core.transcript import Transcript
from tui_app.core.usage_ledger import UsageLedger


def text(part: str, so_far: str, delta: str) -> PartUpdated:
    return PartUpdated("t1", "m1", part, "text", so_far, delta)


def usage(tokens: int) -> UsageReported:
    return UsageReported("t1", Usage(model="demo", input_tokens=3, output_tokens=tokens, llm_cost_micros=tokens, total_cost_micros=tokens))


def handed_on(events: list[DomainEvent], batch_ends: set[int] = frozenset()) -> list[DomainEvent]:  # type: ignore[assignment]
    latest = LatestText()
    out: list[DomainEvent] = []
    for index, event in enumerate(events):
        out += latest.take(event, index + 1)
        if index in batch_ends:
            out += latest.flush()
    return out + latest.flush()


def replayed(events: list[DomainEvent]) -> tuple[Transcript, UsageLedger]:
    transcript, ledger = Transcript(), UsageLedger()
    for event in events:
        transcript = reducer.apply(transcript, event)
        ledger = ledger.record_event("s1", event, "micros")
    return transcript, ledger


def test_a_run_of_one_parts_updates_is_applied_once_and_the_result_is_the_same() -> None:
    words = ["Hello", " there", ",", " how", " are", " you"]
    stream: list[DomainEvent] = [TurnStarted("t1"), MessageCreated("t1", "m1", "assistant")]
    so_far = ""
    for n, word in enumerate(words):
        so_far += word
        stream.append(text("p1", so_far, word))
        if n == 2:
            stream.append(usage(3))  # a usage report in the run does not end it
    stream += [usage(6), MessageCompleted("t1", "m1"), TurnCompleted("t1", "completed")]
    out = handed_on(stream)
    assert [e for e in out if isinstance(e, PartUpdated)] == [text("p1", so_far, " you")]
    assert [e for e in out if not isinstance(e, PartUpdated)] == [e for e in stream if not isinstance(e, PartUpdated)]
    assert out.index(text("p1", so_far, " you")) < out.index(MessageCompleted("t1", "m1"))
    assert replayed(out) == replayed(stream)


def test_another_part_a_question_or_a_batchs_end_hands_on_what_is_held() -> None:
    tool = PartUpdated("t1", "m1", "p2", "tool", tool=ToolCall(name="search", state="running"))
    stream: list[DomainEvent] = [
        text("p1", "a", "a"), text("p1", "ab", "b"),  # the first superseded
        tool,  # a tool call's update: never held, and what was held goes first
        text("p3", "x", "x"),
        QuestionAsked("t1", "q1", ()),  # goes after the text before it
        text("p3", "xy", "y"), text("p3", "xyz", "z"),  # a batch ends after "xy"
    ]
    out = handed_on(stream, batch_ends={5})
    assert out == [text("p1", "ab", "b"), tool, text("p3", "x", "x"), stream[4], text("p3", "xy", "y"), text("p3", "xyz", "z")]
    assert replayed(out)[0] == replayed(stream)[0]


def test_an_update_with_a_delta_alone_is_never_held_nor_dropped() -> None:
    deltas: list[DomainEvent] = [PartUpdated("t1", "m1", "p1", "text", None, piece) for piece in ("a", "b", "c")]
    assert handed_on(deltas) == deltas


def test_the_feed_counts_as_complete_only_up_to_what_is_held() -> None:
    latest = LatestText()
    assert latest.take(text("p1", "a", "a"), 7) == [] and latest.held_since == 7
    assert latest.take(text("p1", "ab", "b"), 8) == [] and latest.held_since == 7  # the first held is not applied
    assert latest.take(usage(2), 9) == [usage(2)] and latest.held_since == 7
    assert latest.take(text("p2", "c", "c"), 10) == [text("p1", "ab", "b")] and latest.held_since == 10
    assert latest.flush() == [text("p2", "c", "c")] and latest.held_since is None
    assert latest.dropped == 1


def frame(payload: dict[str, object], event: str = "message.part.updated") -> SseMessage:
    return SseMessage(event, json.dumps(payload), None)


def text_frame(part: str, so_far: str, **extra: object) -> SseMessage:
    body = {"type": "message.part.updated", "turnId": "t1", "messageId": "m1", "partId": part}
    return frame({**body, "part": {"id": part, "type": "text", "text": so_far}, **extra})


def test_a_frame_is_known_undecoded_only_by_the_exact_first_bytes_of_a_text_update() -> None:
    found = raw_update(text_frame("p1", 'he said "partId": "p9" once', delta="x"))
    assert found is not None and found.key == ("m1", "p1")  # the object's own key, not one in the text
    tool = {"type": "message.part.updated", "turnId": "t1", "messageId": "m1", "partId": "p2", "part": {"id": "p2", "type": "tool"}}
    assert raw_update(frame(tool)) is None  # a tool call's update is decoded as it comes
    reordered = {"partId": "p1", "type": "message.part.updated", "turnId": "t1", "messageId": "m1", "part": {"type": "text", "text": "a"}}
    assert raw_update(frame(reordered)) is None  # another shape: decoded as it comes
    assert raw_update(frame({"type": "session.usage", "turnId": "t1"}, "session.usage")) is None
    # Known by its first bytes alone: a frame cut short is decoded (and found malformed) only if handed on.
    assert raw_update(SseMessage("message.part.updated", text_frame("p1", "a").data[:-3], None)) is not None


def test_of_frames_held_undecoded_only_the_last_of_a_run_is_handed_on() -> None:
    latest = LatestText()
    frames = [text_frame("p1", "a" * n) for n in range(1, 6)]
    out: list[object] = []
    for n, sse in enumerate(frames):
        raw = raw_update(sse)
        assert raw is not None
        out += latest.take(raw, n + 1)
    out += latest.take(usage(5), 6)  # passes what is held
    out += latest.take(MessageCompleted("t1", "m1"), 7)
    held = [item for item in out if isinstance(item, RawUpdate)]
    assert [item.sse for item in held] == [frames[-1]] and latest.dropped == 4
    assert out[0] == usage(5) and out[-1] == MessageCompleted("t1", "m1")
