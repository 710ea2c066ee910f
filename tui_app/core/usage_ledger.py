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
from typing import Literal

from tui_app.core.events import TurnCompleted, Usage, UsageReported

MoneyUnit = Literal["micros", "credits"]
Source = Literal["reported", "estimated"]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: str
    session_id: str
    turn_id: str
    kind: str
    cost: int
    unit: MoneyUnit
    source: Source = "reported"


@dataclass(frozen=True, slots=True)
class TurnMark:
    """What the ledger knows of a turn besides its entries. A turn with no entry has no price:
    once it reported usage, or ended, its cost is unknown (a price always makes an entry)."""

    unit: MoneyUnit
    reported: bool = False
    ended: bool = False


TurnKey = tuple[str, str]
"""(session id, turn id)."""


def _empty() -> Mapping[str, LedgerEntry]:
    return MappingProxyType({})


def _no_marks() -> Mapping[TurnKey, TurnMark]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class UsageLedger:
    entries: Mapping[str, LedgerEntry] = field(default_factory=_empty)
    llm_costs: Mapping[tuple[str, str], int] = field(default_factory=lambda: MappingProxyType({}))
    turns: Mapping[TurnKey, TurnMark] = field(default_factory=_no_marks)

    def record(self, session_id: str, turn_id: str, usage: Usage, unit: MoneyUnit) -> UsageLedger:
        """Add a usage report. A later report of the same entry replaces it, never lowering it."""
        return self.record_all([(session_id, turn_id, usage, unit)])

    def record_all(self, reports: Iterable[tuple[str, str, Usage, MoneyUnit]]) -> UsageLedger:
        """Add (session id, turn id, usage, unit) reports in order, as `record` would one by one,
        copying the ledger once rather than once per report (restoring 20 sessions records
        thousands)."""
        entries = dict(self.entries)
        llm = dict(self.llm_costs)
        marks = dict(self.turns)
        for session_id, turn_id, usage, unit in reports:
            mark = marks.get((session_id, turn_id))
            marks[(session_id, turn_id)] = TurnMark(unit, True, mark is not None and mark.ended)
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
            if usage.llm_cost_micros is not None:
                key = (session_id, turn_id)
                llm[key] = max(usage.llm_cost_micros, llm.get(key, 0))
        return UsageLedger(MappingProxyType(entries), MappingProxyType(llm), MappingProxyType(marks))

    def record_end(self, session_id: str, turn_id: str, unit: MoneyUnit) -> UsageLedger:
        """Note that a turn ended: one that never reported a price now has an unknown cost."""
        mark = self.turns.get((session_id, turn_id)) or TurnMark(unit)
        if mark.ended:
            return self
        marks = dict(self.turns)
        marks[(session_id, turn_id)] = TurnMark(mark.unit, mark.reported, True)
        return replace(self, turns=MappingProxyType(marks))

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
        marks = dict(self.turns)
        for turn_id, reported, ended in turns:
            if reported or ended:
                mark = marks.get((session_id, turn_id)) or TurnMark(unit)
                marks[(session_id, turn_id)] = TurnMark(mark.unit, mark.reported or reported, mark.ended or ended)
        return replace(self, turns=MappingProxyType(marks))

    def merged(self, entries: Iterable[LedgerEntry], llm_costs: Mapping[tuple[str, str], int]) -> UsageLedger:
        """Add entries and turn LLM costs kept elsewhere (a restored session's), by the rules of
        `record`: an entry replaces one of its id only when that does not lower it."""
        merged = dict(self.entries)
        for entry in entries:
            known = merged.get(entry.id)
            if known is None or entry.cost >= known.cost:
                merged[entry.id] = entry
        llm = dict(self.llm_costs)
        for key, cost in llm_costs.items():
            llm[key] = max(cost, llm.get(key, 0))
        return replace(self, entries=MappingProxyType(merged), llm_costs=MappingProxyType(llm))
