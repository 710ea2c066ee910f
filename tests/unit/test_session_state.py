from tui_app.core import session_state as sm
from tui_app.core.events import (
    PartUpdated,
    QuestionAsked,
    QuestionSettled,
    StreamInterrupted,
    StreamResumed,
    TurnCompleted,
    TurnStarted,
    TurnStatusChanged,
)


def walk(*events: object, start: float = 0.0) -> list[sm.SessionStatus]:
    status, seen = sm.initial(start), []
    for now, event in enumerate(events, start=1):
        status = sm.advance(status, event, float(now))  # type: ignore[arg-type]
        seen.append(status)
    return seen


def kinds(*events: object) -> list[str]:
    return [status.kind for status in walk(*events)]


def test_a_plain_turn() -> None:
    assert kinds(sm.Opened(), sm.SendStarted(), TurnStarted("t"), PartUpdated("t", "m", "p", "text", "a"), TurnCompleted("t", "completed")) == [
        "ready", "sending", "streaming", "streaming", "ready",
    ]  # fmt: skip


def test_a_resume_keeps_the_time_it_started_then_streams() -> None:
    statuses = walk(sm.Opened(), sm.SendStarted(), TurnStarted("t"), TurnStatusChanged("t", "resuming"), TurnStatusChanged("t", "running"))
    assert statuses[3].kind == "resuming" and statuses[3].since == 4.0
    assert statuses[4].kind == "streaming"


def test_a_question_asks_and_an_answer_streams_again() -> None:
    assert kinds(sm.Opened(), sm.SendStarted(), TurnStarted("t"), QuestionAsked("t", "q", ()), QuestionSettled("t", "q", (("Short",),))) == [
        "ready", "sending", "streaming", "asking", "streaming",
    ]  # fmt: skip


def test_a_409_queues_with_its_retry_time_and_the_retry_streams() -> None:
    statuses = walk(sm.Opened(), sm.SendStarted(), sm.Queued(retry_at=9.0, reason="busy"), sm.SendStarted(), TurnStarted("t"))
    assert statuses[2].kind == "queued" and statuses[2].retry_at == 9.0 and statuses[2].error == "busy"
    assert [s.kind for s in statuses[3:]] == ["sending", "streaming"]


def test_cancel_and_failure_notes() -> None:
    statuses = walk(sm.Opened(), sm.SendStarted(), TurnStarted("t"), sm.CancelRequested(), TurnCompleted("t", "cancelled"))
    assert [s.kind for s in statuses[3:]] == ["cancelling", "ready"]
    failed = walk(sm.Opened(), sm.SendStarted(), TurnStarted("t"), TurnCompleted("t", "failed", "boom"))[-1]
    assert failed.kind == "ready" and failed.error == "boom"


def test_reconnecting_is_shown_without_losing_the_state() -> None:
    statuses = walk(sm.Opened(), sm.SendStarted(), TurnStarted("t"), StreamInterrupted("t", 1, 0.5, "drop"), StreamResumed("t", 7))
    assert (statuses[3].kind, statuses[3].reconnecting) == ("streaming", True)
    assert (statuses[4].kind, statuses[4].reconnecting) == ("streaming", False)


def test_ended_and_expired_are_final() -> None:
    ended = walk(sm.Opened(), sm.Ended(final_cost=4_200, runtime_ms=900), sm.Opened(), TurnStarted("t"))[-1]
    assert (ended.kind, ended.final_cost, ended.runtime_ms) == ("ended", 4_200, 900)
    expired = walk(sm.Opened(), sm.Expired("gone"), sm.SendStarted())[-1]
    assert (expired.kind, expired.error) == ("expired", "gone")


def test_idle_only_when_nothing_runs() -> None:
    assert kinds(sm.Opened(), sm.WentIdle()) == ["ready", "idle"]
    assert kinds(sm.Opened(), sm.SendStarted(), sm.WentIdle()) == ["ready", "sending", "sending"]
    assert kinds(sm.Opened(), sm.Failed("no key")) == ["ready", "failed"]
