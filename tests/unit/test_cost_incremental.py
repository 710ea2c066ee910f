"""The ledger's summary follows each move by the change alone, and stays equal to the summary
worked out from the whole ledger after every move (issue 16: ten sessions' usage reports summed
the whole ledger each time)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import given, settings, strategies as st

import tui_app.core
from tui_app.core.cost import CostSummary, summarize, with_stored_session
from tui_app.core.cost_summary import full_summary
from tui_app.core.events import TurnCompleted, Usage, UsageEntry, UsageReported
from tui_app.core.ledger_entries import LedgerEntry, MoneyUnit, TurnKey
from tui_app.core.usage_ledger import UsageLedger

SESSIONS = ("s1", "s2", "s3")
TURNS = ("t0", "t1", "t2", "t3")
UNIT_OF: dict[str, MoneyUnit] = {"s1": "micros", "s2": "credits", "s3": "micros"}


def assert_same(incremental: CostSummary, full: CostSummary) -> None:
    assert incremental == full
    # Equality of dicts ignores their order; the order is part of the promise.
    assert list(incremental.turns.items()) == list(full.turns.items())
    assert list(incremental.sessions.items()) == list(full.sessions.items())
    assert list(incremental.overall.by_unit.items()) == list(full.overall.by_unit.items())


def usages(entry_ids: list[str]) -> st.SearchStrategy[Usage]:
    entry = st.builds(
        UsageEntry,
        st.sampled_from(entry_ids),
        st.sampled_from(["llm", "api", "tool"]),
        st.one_of(st.none(), st.integers(0, 5_000)) if len(entry_ids) > 2 else st.integers(0, 5_000),
    )
    return st.builds(
        Usage,
        st.just("m"),
        st.just(10),
        st.just(5),
        st.one_of(st.none(), st.integers(0, 3_000)),
        st.one_of(st.none(), st.integers(0, 9_000)),
        st.lists(entry, max_size=3).map(tuple),
    )


# Any move at all, units and entry ids mixed up on purpose: the summary must stay exact even
# where it has to be worked out in full.
key = st.tuples(st.sampled_from(SESSIONS), st.sampled_from(TURNS))
report = st.tuples(key, usages(["e0", "e1", "e2", "e3"]), st.sampled_from(["micros", "credits"]))
stored_entry = st.builds(
    LedgerEntry,
    st.sampled_from([f"{s}/e{n}" for s in SESSIONS for n in range(4)]),
    st.sampled_from(SESSIONS),
    st.sampled_from(TURNS),
    st.just("llm"),
    st.integers(0, 5_000),
    st.sampled_from(["micros", "credits"]),
)
move = st.one_of(
    st.tuples(st.just("record"), report),
    st.tuples(st.just("record_all"), st.lists(report, max_size=4)),
    st.tuples(st.just("end"), key, st.sampled_from(["micros", "credits"])),
    st.tuples(st.just("merged"), st.lists(stored_entry, max_size=3), st.dictionaries(key, st.integers(0, 900), max_size=2)),
    st.tuples(st.just("replayed"), st.sampled_from(SESSIONS), st.lists(st.tuples(st.sampled_from(TURNS), st.booleans(), st.booleans()), max_size=3)),
)


def moved(ledger: UsageLedger, step: tuple[Any, ...]) -> UsageLedger:
    kind = step[0]
    if kind == "record":
        (session, turn), usage, unit = step[1]
        return ledger.record(session, turn, usage, unit)
    if kind == "record_all":
        return ledger.record_all([(session, turn, usage, unit) for (session, turn), usage, unit in step[1]])
    if kind == "end":
        (session, turn), unit = step[1], step[2]
        return ledger.record_end(session, turn, unit)
    if kind == "merged":
        return ledger.merged(step[1], step[2])
    return ledger.replayed(step[1], step[2], UNIT_OF[step[1]])


@settings(max_examples=300)
@given(st.lists(move, max_size=25), st.integers(0, 3))
def test_after_any_moves_the_kept_summary_equals_the_whole_ledgers(moves: list[tuple[Any, ...]], asked_from: int) -> None:
    ledger = UsageLedger()
    for number, step in enumerate(moves):
        ledger = moved(ledger, step)
        if number >= asked_from:  # (a ledger asked late is summed in full once, then followed)
            assert_same(summarize(ledger), full_summary(ledger.entries, ledger.turns, ledger.llm_costs))


# What the app does: each session reports in its own unit, entry ids its own per turn, turns end.
def live_moves() -> st.SearchStrategy[list[tuple[str, str, object]]]:
    def event(session: str, turn: str, usage: Usage | None) -> tuple[str, str, object]:
        if usage is None:
            return (session, turn, TurnCompleted(turn, "completed"))
        named = Usage(usage.model, 1, 1, usage.llm_cost_micros, usage.total_cost_micros, tuple(
            UsageEntry(f"{turn}:{e.id}", e.kind, e.cost_micros) for e in usage.entries
        ))
        return (session, turn, UsageReported(turn, named))

    one = st.builds(event, st.sampled_from(SESSIONS), st.sampled_from(TURNS), st.one_of(st.none(), usages(["a", "b"])))
    return st.lists(one, min_size=1, max_size=30)


@settings(max_examples=300)
@given(live_moves())
def test_a_live_ledger_follows_every_report_and_end_by_the_change_alone(events: list[tuple[str, str, object]]) -> None:
    ledger = UsageLedger()
    summarize(ledger)
    for session, _turn, event in events:
        ledger = ledger.record_event(session, event, UNIT_OF[session])
        assert ledger.known_summary is not None, "worked out again in full"
        assert_same(summarize(ledger), full_summary(ledger.entries, ledger.turns, ledger.llm_costs))
        assert_figures_as_before(ledger)


def assert_figures_as_before(ledger: UsageLedger) -> None:
    """Each turn's, session's and unit's figures are those of the one-pass sum this replaced
    (kept here as it was: entries first, marks after)."""
    amounts: dict[TurnKey, tuple[int, int, MoneyUnit]] = {}
    for entry in ledger.entries.values():
        k = (entry.session_id, entry.turn_id)
        amount, count, _ = amounts.get(k, (0, 0, entry.unit))
        amounts[k] = (amount + entry.cost, count + 1, entry.unit)
    keys = list(amounts) + [k for k in ledger.turns if k not in amounts]
    summary = summarize(ledger)
    assert set(keys) == set(summary.turns)
    sessions: dict[str, tuple[int, int, bool, int]] = {}
    for k in keys:
        mark = ledger.turns.get(k)
        amount, count, unit = amounts.get(k, (0, 0, mark.unit if mark else "micros"))
        unknown = count == 0 and mark is not None and (mark.ended or mark.reported)
        cost = summary.turns[k].cost
        assert (cost.amount, cost.unit, cost.unknown, cost.entries) == (amount, unit, unknown, count)
        total, entries, any_unknown, turns = sessions.get(k[0], (0, 0, False, 0))
        sessions[k[0]] = (total + amount, entries + count, any_unknown or unknown, turns + 1)
    for session, (total, entries, unknown, turns) in sessions.items():
        cost = summary.sessions[session].cost
        assert (cost.amount, cost.entries, cost.unknown, summary.sessions[session].turns) == (total, entries, unknown, turns)


def test_a_restored_session_then_live_reports_keep_the_same_figures() -> None:
    stored = [LedgerEntry("s1/old:llm", "s1", "old", "llm", 700, "micros")]
    ledger = with_stored_session(UsageLedger(), "s1", [], stored, {("s1", "old"): 500}, "micros")
    assert summarize(ledger).unmarked_turns == 1  # entries of a turn the transcript did not mark
    report = UsageReported("new", Usage("m", 1, 1, 10, 30, (UsageEntry("new:llm", "llm", 30),)))
    ledger = ledger.record_event("s1", report, "micros")
    assert_same(summarize(ledger), full_summary(ledger.entries, ledger.turns, ledger.llm_costs))
    assert summarize(ledger).session("s1", "micros").cost.amount == 730


# The work a report costs, counted as lines of the app's core run (no clock): the same for a
# ledger of 10 turns as for one of 400.
CORE = str(Path(tui_app.core.__file__).parent)


@contextmanager
def lines_run(counter: list[int]) -> Iterator[None]:
    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        if not frame.f_code.co_filename.startswith(CORE):
            return None
        if event == "line":
            counter[0] += 1
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(None)


def ledger_with_history(turns: int) -> UsageLedger:
    ledger = UsageLedger()
    for n in range(turns):
        session = SESSIONS[n % len(SESSIONS)]
        usage = Usage("m", 1, 1, 10, 30, (UsageEntry(f"t{n}:llm", "llm", 10), UsageEntry(f"t{n}:api", "api", 20)))
        ledger = ledger.record(session, f"t{n}", usage, UNIT_OF[session]).record_end(session, f"t{n}", UNIT_OF[session])
    return ledger


def work_of_one_report(turns: int) -> int:
    ledger = ledger_with_history(turns)
    summarize(ledger)  # the views have asked before (they ask on every change)
    usage = Usage("m", 1, 1, 11, 33, (UsageEntry("live:llm", "llm", 11), UsageEntry("live:api", "api", 22)))
    counter = [0]
    with lines_run(counter):
        ledger = ledger.record_event("s1", UsageReported("live", usage), "micros")
        summarize(ledger).session("s1", "micros")
        ledger = ledger.record_event("s1", UsageReported("live", usage), "micros")
        summarize(ledger).session("s1", "micros")
    return counter[0]


def test_a_usage_report_and_its_summary_cost_the_same_whatever_the_history() -> None:
    assert work_of_one_report(10) == work_of_one_report(400)
