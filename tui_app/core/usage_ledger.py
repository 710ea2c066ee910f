"""The usage ledger: every billable entry stored once, keyed by its id, in integers.

Figures are derived from the entries, so replays and repeated snapshots never double them and
never make them go down. Money is micro-dollars, or credits for backends that bill in credits;
the two are never added together. The ledger also knows which turns it has heard of and whether
each has a price: a turn that reported usage without one, or ended without reporting any, has a
cost that is unknown, and `core/cost.py` keeps it unknown rather than counting it as nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TypeVar

from tui_app.core.cost_summary import CostSummary, advanced, full_summary
from tui_app.core.events import TurnCompleted, Usage, UsageReported
from tui_app.core.ledger_entries import LedgerEntry, LedgerStep, MoneyUnit, Source, TurnKey, TurnMark

__all__ = ["LedgerEntry", "MoneyUnit", "Source", "TurnKey", "TurnMark", "UsageLedger"]

K = TypeVar("K")
V = TypeVar("V")


def _empty() -> Mapping[str, LedgerEntry]:
    return MappingProxyType({})


def _no_marks() -> Mapping[TurnKey, TurnMark]:
    return MappingProxyType({})


def _copy(mapping: Mapping[K, V]) -> dict[K, V]:
    # `dict(proxy)` walks a MappingProxyType key by key (2,500 entries: 130 µs); its `copy`
    # copies the dict behind it at once (6 µs). Every usage report copies the ledger's maps.
    return mapping.copy() if isinstance(mapping, (dict, MappingProxyType)) else dict(mapping)


@dataclass(frozen=True, slots=True)
class UsageLedger:
    """Immutable: every move makes a new ledger. Its summary (`core/cost.py` `summarize`) is kept
    beside it; once a ledger has one, the ledgers its usage reports and turn ends derive get
    theirs from it and the change alone (`cost_summary.advanced`), so a report costs the same
    whatever the history kept."""

    entries: Mapping[str, LedgerEntry] = field(default_factory=_empty)
    llm_costs: Mapping[tuple[str, str], int] = field(default_factory=lambda: MappingProxyType({}))
    turns: Mapping[TurnKey, TurnMark] = field(default_factory=_no_marks)
    known_summary: CostSummary | None = field(default=None, init=False, repr=False, compare=False)
    """The summary once worked out (None until asked for, or after a move `advanced` declines)."""

    def summary(self) -> CostSummary:
        """Every figure of this ledger (`core/cost.py` `summarize` is the public way in)."""
        known = self.known_summary
        if known is None:
            known = full_summary(self.entries, self.turns, self.llm_costs)
            object.__setattr__(self, "known_summary", known)  # a cache: the figures never change
        return known

    def _moved(self, step: LedgerStep, entries: Mapping[str, LedgerEntry], llm: Mapping[TurnKey, int], marks: Mapping[TurnKey, TurnMark]) -> UsageLedger:
        ledger = UsageLedger(entries, llm, marks)
        if self.known_summary is not None:
            object.__setattr__(ledger, "known_summary", advanced(self.known_summary, step, marks, llm))
        return ledger

    def record(self, session_id: str, turn_id: str, usage: Usage, unit: MoneyUnit) -> UsageLedger:
        """Add a usage report. A later report of the same entry replaces it, never lowering it."""
        return self.record_all([(session_id, turn_id, usage, unit)])

    def record_all(self, reports: Iterable[tuple[str, str, Usage, MoneyUnit]]) -> UsageLedger:
        """Add (session id, turn id, usage, unit) reports in order, as `record` would one by one,
        copying the ledger once rather than once per report (restoring 20 sessions records
        thousands)."""
        entries = _copy(self.entries)
        llm = _copy(self.llm_costs)
        marks = _copy(self.turns)
        touched: dict[TurnKey, None] = {}
        written: list[tuple[LedgerEntry | None, LedgerEntry]] = []
        for session_id, turn_id, usage, unit in reports:
            key = (session_id, turn_id)
            touched[key] = None
            mark = marks.get(key)
            marks[key] = TurnMark(unit, True, mark is not None and mark.ended)
            incoming = [
                LedgerEntry(f"{session_id}/{e.id}", session_id, turn_id, e.kind, e.cost_micros, unit)
                for e in usage.entries
                if e.cost_micros is not None
            ]
            if len(incoming) < len(usage.entries):
                incoming = []  # an entry without a price: the turn's cost is unknown, not less
            if not incoming and usage.total_cost_micros is not None:
                # No audit entries (e.g. Stewrd's credits): the total is one entry for the turn.
                incoming = [
                    LedgerEntry(f"{session_id}/{turn_id}:total", session_id, turn_id, "total", usage.total_cost_micros, unit)
                ]
            for entry in incoming:
                known = entries.get(entry.id)
                if known is None or entry.cost >= known.cost:
                    entries[entry.id] = entry
                    written.append((known, entry))
            if usage.llm_cost_micros is not None:
                llm[key] = max(usage.llm_cost_micros, llm.get(key, 0))
        step = LedgerStep(tuple(touched), tuple(written))
        return self._moved(step, MappingProxyType(entries), MappingProxyType(llm), MappingProxyType(marks))

    def record_end(self, session_id: str, turn_id: str, unit: MoneyUnit) -> UsageLedger:
        """Note that a turn ended: one that never reported a price now has an unknown cost."""
        key = (session_id, turn_id)
        mark = self.turns.get(key) or TurnMark(unit)
        if mark.ended:
            return self
        marks = _copy(self.turns)
        marks[key] = TurnMark(mark.unit, mark.reported, True)
        return self._moved(LedgerStep((key,)), self.entries, self.llm_costs, MappingProxyType(marks))
    def record_event(self, session_id: str, event: object, unit: MoneyUnit) -> UsageLedger:
        """The ledger after one of a session's domain events (only usage and turn ends count)."""
        if isinstance(event, UsageReported):
            return self.record(session_id, event.turn_id, event.usage, unit)
        if isinstance(event, TurnCompleted):
            return self.record_end(session_id, event.turn_id, unit)
        return self

    def replayed(self, session_id: str, turns: Iterable[tuple[str, bool, bool]], unit: MoneyUnit) -> UsageLedger:
        """Mark a restored session's turns as (turn id, reported usage, ended), as their events
        did when they arrived. Their entries come from the store (`merged`); restoring replays
        no events, but the ledger still has to learn which turns have no price."""
        marks = _copy(self.turns)
        for turn_id, reported, ended in turns:
            if reported or ended:
                mark = marks.get((session_id, turn_id)) or TurnMark(unit)
                marks[(session_id, turn_id)] = TurnMark(mark.unit, mark.reported or reported, mark.ended or ended)
        return replace(self, turns=MappingProxyType(marks))

    def merged(self, entries: Iterable[LedgerEntry], llm_costs: Mapping[tuple[str, str], int]) -> UsageLedger:
        """Add entries and turn LLM costs kept elsewhere (a restored session's), by the rules of
        `record`: an entry replaces one of its id only when that does not lower it."""
        merged = _copy(self.entries)
        for entry in entries:
            known = merged.get(entry.id)
            if known is None or entry.cost >= known.cost:
                merged[entry.id] = entry
        llm = _copy(self.llm_costs)
        for key, cost in llm_costs.items():
            llm[key] = max(cost, llm.get(key, 0))
        return replace(self, entries=MappingProxyType(merged), llm_costs=MappingProxyType(llm))
