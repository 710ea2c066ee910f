"""A paced stream that holds usage reports (`LatestText(usage=True)`, as Case.dev's does) applies,
of a run of reports of one turn, only those the next does not supersede: the transcript and
the ledger end up exactly as if every report had been applied, whatever the reports say."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_superseded_parts import replayed, text
from tui_app.backends.superseded_parts import LatestText, supersedes
from tui_app.core.events import DomainEvent, MessageCompleted, PartUpdated, TurnCompleted, TurnStarted, Usage, UsageEntry, UsageReported


def report(tokens: int, *entries: tuple[str, int | None], total: int | None = None, turn: str = "t1") -> UsageReported:
    listed = tuple(UsageEntry(name, "llm", cost) for name, cost in entries)
    return UsageReported(turn, Usage("demo", 3, tokens, None, total, listed))


def handed_on(events: list[DomainEvent], batch_ends: frozenset[int] = frozenset()) -> tuple[list[DomainEvent], LatestText]:
    latest = LatestText(usage=True)
    out: list[DomainEvent] = []
    for index, event in enumerate(events):
        out += latest.take(event, index + 1)  # type: ignore[arg-type]
        if index in batch_ends:
            out += latest.flush()  # type: ignore[arg-type]
    return out + latest.flush(), latest  # type: ignore[return-value]


def test_a_run_of_a_turns_growing_reports_is_applied_once_and_the_result_is_the_same() -> None:
    stream: list[DomainEvent] = [TurnStarted("t1")]
    for n in range(1, 6):
        stream += [text("p1", "a" * n, "a"), report(n, ("llm-1", 10 * n), total=10 * n)]
    stream += [MessageCompleted("t1", "m1"), TurnCompleted("t1", "completed")]
    out, latest = handed_on(stream)
    assert [e for e in out if isinstance(e, UsageReported)] == [report(5, ("llm-1", 50), total=50)]
    assert [e for e in out if isinstance(e, PartUpdated)] == [text("p1", "aaaaa", "a")]
    assert out[-2:] == [MessageCompleted("t1", "m1"), TurnCompleted("t1", "completed")]  # after what was held
    assert latest.dropped == 8
    assert replayed(out) == replayed(stream)


def test_a_report_that_does_not_cover_the_one_before_hands_it_on() -> None:
    first = report(2, ("llm-1", 20), ("search-1", 5), total=25)
    assert not supersedes(report(3, ("llm-1", 30), total=30), first)  # names no search entry
    assert not supersedes(report(3, ("llm-1", 10), ("search-1", 5), total=35), first)  # a lower cost
    assert not supersedes(report(1, ("llm-1", 20), ("search-1", 5), total=25), first)  # fewer tokens: older
    assert not supersedes(report(3, ("llm-1", 30), ("search-1", 5), total=35, turn="t2"), first)  # another turn
    assert supersedes(report(3, ("llm-1", 30), ("search-1", 5), total=35), first)
    later = report(3, ("llm-1", 30), total=30)
    out, latest = handed_on([first, later])
    assert out == [first, later] and latest.dropped == 0


def test_the_feed_counts_as_complete_only_up_to_the_first_report_held() -> None:
    latest = LatestText(usage=True)
    assert latest.take(report(1, ("llm-1", 1)), 4) == [] and latest.held_since == 4
    assert latest.take(text("p1", "a", "a"), 5) == [] and latest.held_since == 4
    assert latest.take(report(2, ("llm-1", 2)), 6) == [] and latest.held_since == 4  # the first is not applied
    assert latest.flush() == [text("p1", "a", "a"), report(2, ("llm-1", 2))] and latest.held_since is None
    assert LatestText().take(report(1, ("llm-1", 1)), 1) == [report(1, ("llm-1", 1))]  # not held unless asked


costs = st.none() | st.integers(0, 50)
entries = st.lists(st.tuples(st.sampled_from(["llm-1", "llm-2", "search-1"]), costs), max_size=3, unique_by=lambda e: e[0])
reports = st.builds(
    lambda tokens, listed, total, turn: report(tokens, *listed, total=total, turn=turn),
    st.integers(0, 20),
    entries,
    st.none() | st.integers(0, 100),
    st.sampled_from(["t1", "t2"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(reports | st.sampled_from([text("p1", "a", "a"), TurnStarted("t2")]), max_size=12), st.frozensets(st.integers(0, 11)))
def test_whatever_the_reports_say_the_transcript_and_ledger_end_the_same(stream: list[DomainEvent], batch_ends: frozenset[int]) -> None:
    out, _ = handed_on(stream, batch_ends)
    assert replayed(out) == replayed(stream)
