"""The one cost model: what a turn, a session and all sessions cost, derived from the ledger only.

Every view (sidebar, usage panel, message headers, audit log, `tui-app ask`, export) and the
budget read these summaries, so they cannot disagree. A part whose price is not known stays
unknown: a summary says so (`unknown`), and its `amount` is then only what is known, a floor,
never a figure that counts the unknown part as $0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui_app.core.money import format_money
from tui_app.core.transcript import Turn
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit, TurnKey, UsageLedger


@dataclass(frozen=True, slots=True)
class Cost:
    """An amount of money in one unit, and how much of it is known."""

    amount: int
    """The known part, in `unit` (micro-dollars or credits)."""
    unit: MoneyUnit
    unknown: bool = False
    """Some part has no price: `amount` is at least what was spent, not all of it."""
    entries: int = 0
    """Billable entries counted in `amount`."""
    unknown_turns: int = 0
    """Turns that ended (or reported usage) without a price."""

    @property
    def exact(self) -> int | None:
        """The amount when all of it is known, else None (never a $0 standing for "unknown")."""
        return None if self.unknown else self.amount

    def plus(self, other: Cost) -> Cost:
        if other.unit != self.unit:
            raise ValueError(f"cannot add {other.unit} to {self.unit}")
        return Cost(
            self.amount + other.amount,
            self.unit,
            self.unknown or other.unknown,
            self.entries + other.entries,
            self.unknown_turns + other.unknown_turns,
        )


@dataclass(frozen=True, slots=True)
class TurnCost:
    session_id: str
    turn_id: str
    cost: Cost
    llm: int | None = None
    """The turn's direct LLM cost, where the service reports it apart from the total."""


@dataclass(frozen=True, slots=True)
class SessionCost:
    session_id: str
    cost: Cost
    turns: int = 0
    """Turns the ledger has heard of (a running turn with no report yet is not one)."""


@dataclass(frozen=True, slots=True)
class AllCost:
    """Every session, one `Cost` per unit: dollars and credits never add."""

    by_unit: Mapping[MoneyUnit, Cost]
    sessions: tuple[str, ...] = ()
    """The sessions that billed (or failed to price) anything, in the order first seen."""

    def get(self, unit: MoneyUnit) -> Cost:
        return self.by_unit.get(unit) or Cost(0, unit)


@dataclass(frozen=True, slots=True)
class CostSummary:
    """Every figure of one ledger, worked out in one pass."""

    turns: Mapping[TurnKey, TurnCost]
    sessions: Mapping[str, SessionCost]
    overall: AllCost

    def turn(self, session_id: str, turn_id: str) -> TurnCost | None:
        """None while the ledger has heard nothing of the turn (it has not reported yet)."""
        return self.turns.get((session_id, turn_id))

    def session(self, session_id: str, unit: MoneyUnit) -> SessionCost:
        found = self.sessions.get(session_id)
        return found if found is not None else SessionCost(session_id, Cost(0, unit))


def summarize(ledger: UsageLedger) -> CostSummary:
    """The summaries of `ledger`. The ledger is immutable, so the latest result is kept: views
    ask on every streamed token, the ledger changes only on a usage report or a turn's end."""
    global _last
    if _last is not None and _last[0] is ledger:
        return _last[1]
    summary = _summarize(ledger)
    _last = (ledger, summary)
    return summary


_last: tuple[UsageLedger, CostSummary] | None = None


def _summarize(ledger: UsageLedger) -> CostSummary:
    amounts: dict[TurnKey, tuple[int, int, MoneyUnit]] = {}
    for entry in ledger.entries.values():
        key = (entry.session_id, entry.turn_id)
        amount, count, _ = amounts.get(key, (0, 0, entry.unit))
        amounts[key] = (amount + entry.cost, count + 1, entry.unit)
    keys = list(amounts) + [key for key in ledger.turns if key not in amounts]
    turns: dict[TurnKey, TurnCost] = {}
    for key in keys:
        mark = ledger.turns.get(key)
        amount, count, unit = amounts.get(key, (0, 0, mark.unit if mark else "micros"))
        # Every price makes an entry; a turn without any is unknown once it reported usage (with
        # no price) or ended (a running turn that has said nothing yet is neither).
        unknown = count == 0 and mark is not None and (mark.ended or mark.reported)
        cost = Cost(amount, unit, unknown, count, int(unknown))
        turns[key] = TurnCost(key[0], key[1], cost, ledger.llm_costs.get(key))
    sessions: dict[str, SessionCost] = {}
    by_unit: dict[MoneyUnit, Cost] = {}
    for turn in turns.values():
        known = sessions.get(turn.session_id)
        if known is None:
            sessions[turn.session_id] = SessionCost(turn.session_id, turn.cost, 1)
        elif known.cost.unit == turn.cost.unit:
            sessions[turn.session_id] = SessionCost(turn.session_id, known.cost.plus(turn.cost), known.turns + 1)
        unit_total = by_unit.get(turn.cost.unit)
        by_unit[turn.cost.unit] = turn.cost if unit_total is None else unit_total.plus(turn.cost)
    billed = tuple(s.session_id for s in sessions.values() if s.cost.entries or s.cost.unknown)
    return CostSummary(turns, sessions, AllCost(by_unit, billed))


def turn_cost(ledger: UsageLedger, session_id: str, turn_id: str) -> Cost | None:
    """One turn's cost; None while the ledger has heard nothing of it."""
    found = summarize(ledger).turn(session_id, turn_id)
    return None if found is None else found.cost


def session_cost(ledger: UsageLedger, session_id: str, unit: MoneyUnit) -> Cost:
    """One session's cost ($0 in `unit` for a session that has billed nothing yet)."""
    return summarize(ledger).session(session_id, unit).cost


def format_cost(cost: Cost) -> str:
    """`$0.0012`, `≥ $0.0012` when part of it is unknown, `unknown` when none of it is known."""
    if not cost.unknown:
        return format_money(cost.amount, cost.unit)
    if cost.entries == 0:
        return "unknown"
    return f"≥ {format_money(cost.amount, cost.unit)}"


def with_stored_session(
    ledger: UsageLedger,
    session_id: str,
    turns: Iterable[Turn],
    entries: Iterable[LedgerEntry],
    llm_costs: Mapping[TurnKey, int],
    unit: MoneyUnit,
) -> UsageLedger:
    """`ledger` with a stored session's entries, and its turns marked as their events marked them
    when they arrived (usage reported, ended), so a turn that ended unpriced stays unknown."""
    marks = [(turn.id, turn.usage is not None, turn.state != "running") for turn in turns]
    return ledger.merged(entries, llm_costs).replayed(session_id, marks, unit)
