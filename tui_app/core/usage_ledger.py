"""The usage ledger: every billable entry stored once, keyed by its id, in integers.

Figures are derived from the entries, so replays and repeated snapshots never double them and
never make them go down. Money is micro-dollars, or credits for backends that bill in credits;
the two are never added together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from tui_app.core.events import Usage

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
class TurnUsage:
    """A turn's figures: the direct LLM cost and the total of its audit entries."""

    llm_cost: int | None
    total: int
    unit: MoneyUnit


def _empty() -> Mapping[str, LedgerEntry]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class UsageLedger:
    entries: Mapping[str, LedgerEntry] = field(default_factory=_empty)
    llm_costs: Mapping[tuple[str, str], int] = field(default_factory=lambda: MappingProxyType({}))

    def record(self, session_id: str, turn_id: str, usage: Usage, unit: MoneyUnit) -> UsageLedger:
        """Add a usage report. A later report of the same entry replaces it, never lowering it."""
        return self.record_all([(session_id, turn_id, usage, unit)])

    def record_all(self, reports: Iterable[tuple[str, str, Usage, MoneyUnit]]) -> UsageLedger:
        """Add (session id, turn id, usage, unit) reports in order, as `record` would one by one,
        copying the ledger once rather than once per report (restoring 20 sessions records
        thousands)."""
        entries = dict(self.entries)
        llm = dict(self.llm_costs)
        for session_id, turn_id, usage, unit in reports:
            incoming = [
                LedgerEntry(f"{session_id}/{e.id}", session_id, turn_id, e.kind, e.cost_micros, unit)
                for e in usage.entries
            ]
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
        return replace(self, entries=MappingProxyType(entries), llm_costs=MappingProxyType(llm))

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

    def turn(self, session_id: str, turn_id: str) -> TurnUsage | None:
        mine = [e for e in self.entries.values() if e.session_id == session_id and e.turn_id == turn_id]
        if not mine:
            return None
        return TurnUsage(self.llm_costs.get((session_id, turn_id)), sum(e.cost for e in mine), mine[0].unit)

    def session_total(self, session_id: str) -> dict[MoneyUnit, int]:
        return self._totals(e for e in self.entries.values() if e.session_id == session_id)

    def total(self) -> dict[MoneyUnit, int]:
        """Across every session, per unit."""
        return self._totals(self.entries.values())

    @staticmethod
    def _totals(entries: Iterable[LedgerEntry]) -> dict[MoneyUnit, int]:
        totals: dict[MoneyUnit, int] = {}
        for entry in entries:
            totals[entry.unit] = totals.get(entry.unit, 0) + entry.cost
        return totals
