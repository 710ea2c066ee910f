"""The one cost model: turn, session and overall summaries derived from the ledger alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_app.core.cost import Cost, format_cost, summarize
from tui_app.core.events import DomainEvent, TurnCompleted, TurnStarted, Usage, UsageEntry, UsageReported
from tui_app.core.usage_ledger import MoneyUnit, UsageLedger


def priced(turn: str, *costs: int) -> Usage:
    entries = tuple(UsageEntry(f"{turn}:{i}", "llm" if i == 0 else "api", cost) for i, cost in enumerate(costs))
    return Usage("m", 10, 5, costs[0] if costs else None, sum(costs), entries)


UNPRICED = Usage("m", 10, 5, None, None)


def feed(events: list[tuple[str, DomainEvent]], unit: MoneyUnit = "micros") -> UsageLedger:
    ledger = UsageLedger()
    for session_id, event in events:
        ledger = ledger.record_event(session_id, event, unit)
    return ledger


def test_a_session_sums_its_turns_and_a_later_report_replaces_an_earlier_one() -> None:
    ledger = feed(
        [
            ("s1", UsageReported("t1", priced("t1", 1_000))),
            ("s1", TurnCompleted("t1", "completed")),
            ("s1", UsageReported("t2", priced("t2", 200))),
            ("s1", UsageReported("t2", priced("t2", 450))),
        ]
    )
    costs = summarize(ledger)
    assert costs.turn("s1", "t2") is not None and costs.turn("s1", "t2").cost == Cost(450, "micros", entries=1)  # type: ignore[union-attr]
    assert costs.session("s1", "micros").cost == Cost(1_450, "micros", entries=2)
    assert costs.session("s1", "micros").turns == 2
    assert format_cost(costs.session("s1", "micros").cost) == "$0.00145"


def test_a_turn_that_ends_without_any_usage_has_an_unknown_cost() -> None:
    ledger = feed([("s1", TurnStarted("t1")), ("s1", TurnCompleted("t1", "failed", "boom"))])
    cost = summarize(ledger).session("s1", "micros").cost
    assert cost.unknown and cost.exact is None and cost.unknown_turns == 1
    assert format_cost(cost) == "unknown"


def test_a_running_turn_that_has_not_reported_yet_is_not_unknown() -> None:
    ledger = feed([("s1", TurnStarted("t1"))])
    assert summarize(ledger).turn("s1", "t1") is None
    assert summarize(ledger).session("s1", "micros").cost == Cost(0, "micros")
    assert format_cost(summarize(ledger).session("s1", "micros").cost) == "$0.00"


def test_a_priced_and_an_unpriced_turn_make_an_at_least_figure() -> None:
    ledger = feed(
        [
            ("s1", UsageReported("t1", priced("t1", 1_200))),
            ("s1", TurnCompleted("t1", "completed")),
            ("s1", UsageReported("t2", UNPRICED)),
            ("s1", TurnCompleted("t2", "completed")),
        ]
    )
    costs = summarize(ledger)
    assert costs.turn("s1", "t2").cost.unknown  # type: ignore[union-attr]
    session = costs.session("s1", "micros").cost
    assert (session.amount, session.unknown, session.entries, session.unknown_turns) == (1_200, True, 1, 1)
    assert format_cost(session) == "≥ $0.0012"
    assert costs.overall.get("micros") == session


def test_a_turn_priced_after_an_unpriced_report_is_known() -> None:
    ledger = feed([("s1", UsageReported("t1", UNPRICED)), ("s1", UsageReported("t1", priced("t1", 90)))])
    assert summarize(ledger).session("s1", "micros").cost == Cost(90, "micros", entries=1)


def test_a_restored_session_keeps_its_unknown_turn() -> None:
    # Restoring merges the stored entries, then replays the turns' latest usage and whether they ended.
    live = feed([("s1", UsageReported("t1", priced("t1", 70))), ("s1", TurnCompleted("t1", "completed")),
                 ("s1", TurnCompleted("t2", "failed"))])
    restored = UsageLedger().merged(live.entries.values(), live.llm_costs).replayed(
        "s1", [("t1", True, True), ("t2", False, True), ("t3", False, False)], "micros"
    )
    assert summarize(restored).session("s1", "micros").cost == summarize(live).session("s1", "micros").cost


# A ledger of random reports across three sessions: priced or not, ended or not, repeated.
report = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["t1", "t2", "t3"]),
    st.one_of(st.none(), st.lists(st.integers(0, 50_000), min_size=1, max_size=3)),
    st.booleans(),
)


@given(st.lists(report, max_size=30))
def test_sessions_add_up_to_the_total_and_unknown_never_becomes_zero(reports: list[tuple[str, str, list[int] | None, bool]]) -> None:
    events: list[tuple[str, DomainEvent]] = []
    for session_id, turn_id, costs, ends in reports:
        usage = UNPRICED if costs is None else priced(turn_id, *costs)
        events.append((session_id, UsageReported(turn_id, usage)))
        if ends:
            events.append((session_id, TurnCompleted(turn_id, "completed")))
    summary = summarize(feed(events))
    sessions = [summary.session(s, "micros").cost for s in ("a", "b", "c")]
    overall = summary.overall.get("micros")
    assert sum(c.amount for c in sessions) == overall.amount
    assert sum(c.entries for c in sessions) == overall.entries
    assert any(c.unknown for c in sessions) == overall.unknown
    for session_id in ("a", "b", "c"):
        mine = [(t, c) for s, t, c, _ in reports if s == session_id]
        never_priced = {t for t, _ in mine} - {t for t, c in mine if c is not None}
        cost = summary.session(session_id, "micros").cost
        # A turn that only ever reported without a price keeps the session's cost unknown.
        assert cost.unknown == bool(never_priced)
        assert cost.unknown_turns == len(never_priced)
        if cost.unknown:
            assert cost.exact is None and format_cost(cost) != "$0.00"
