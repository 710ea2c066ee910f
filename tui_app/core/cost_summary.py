"""The figures of one ledger (`CostSummary`): worked out in full from its entries and marks, or
from the summary of the ledger it was derived from and what that move changed (`advanced`), so
a usage report costs the same whatever the history kept.

The two ways must agree exactly, figure for figure and in the same order (a property test
drives random ledger moves and holds them equal); `advanced` answers None where keeping that
promise by the change alone would take more than the change (a restored store's entries before
their turns are marked, a unit that changes), and the summary is then worked out in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tui_app.core.ledger_entries import LedgerEntry, LedgerStep, MoneyUnit, TurnKey, TurnMark


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

    def moved(self, old: Cost, new: Cost) -> Cost:
        """This sum with `old`, one of its terms, replaced by `new`. A sum of turns is unknown
        exactly when it counts an unknown turn, so the count says whether it still is."""
        unknown_turns = self.unknown_turns - old.unknown_turns + new.unknown_turns
        return Cost(
            self.amount - old.amount + new.amount,
            self.unit,
            unknown_turns > 0,
            self.entries - old.entries + new.entries,
            unknown_turns,
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
    """Every figure of one ledger. Turns come in the order the ledger first marked them, then
    those it has entries of but no mark for (`unmarked_turns`: a restored store's entries before
    their turns are marked); sessions in the order of their first turn."""

    turns: dict[TurnKey, TurnCost]
    sessions: dict[str, SessionCost]
    overall: AllCost
    unmarked_turns: int = 0

    def turn(self, session_id: str, turn_id: str) -> TurnCost | None:
        """None while the ledger has heard nothing of the turn (it has not reported yet)."""
        return self.turns.get((session_id, turn_id))

    def session(self, session_id: str, unit: MoneyUnit) -> SessionCost:
        found = self.sessions.get(session_id)
        return found if found is not None else SessionCost(session_id, Cost(0, unit))


def _turn_cost(key: TurnKey, amount: int, count: int, unit: MoneyUnit, mark: TurnMark | None, llm: int | None) -> TurnCost:
    # Every price makes an entry; a turn without any is unknown once it reported usage (with no
    # price) or ended (a running turn that has said nothing yet is neither).
    unknown = count == 0 and mark is not None and (mark.ended or mark.reported)
    return TurnCost(key[0], key[1], Cost(amount, unit, unknown, count, int(unknown)), llm)


def _billed(sessions: Mapping[str, SessionCost]) -> tuple[str, ...]:
    return tuple(s.session_id for s in sessions.values() if _bills(s))


def _bills(session: SessionCost | None) -> bool:
    return session is not None and bool(session.cost.entries or session.cost.unknown)


def full_summary(
    entries: Mapping[str, LedgerEntry], marks: Mapping[TurnKey, TurnMark], llm_costs: Mapping[TurnKey, int]
) -> CostSummary:
    """The summary of a ledger with these entries, turn marks and LLM costs, from all of them."""
    amounts: dict[TurnKey, tuple[int, int, MoneyUnit]] = {}
    for entry in entries.values():
        key = (entry.session_id, entry.turn_id)
        amount, count, _ = amounts.get(key, (0, 0, entry.unit))
        amounts[key] = (amount + entry.cost, count + 1, entry.unit)
    keys = [*marks, *(key for key in amounts if key not in marks)]
    turns: dict[TurnKey, TurnCost] = {}
    for key in keys:
        mark = marks.get(key)
        amount, count, unit = amounts.get(key, (0, 0, mark.unit if mark else "micros"))
        turns[key] = _turn_cost(key, amount, count, unit, mark, llm_costs.get(key))
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
    return CostSummary(turns, sessions, AllCost(by_unit, _billed(sessions)), len(keys) - len(marks))


def advanced(
    summary: CostSummary, step: LedgerStep, marks: Mapping[TurnKey, TurnMark], llm_costs: Mapping[TurnKey, int]
) -> CostSummary | None:
    """The summary after `step`, from `summary` (the one before it) and the ledger's marks and
    LLM costs after it, visiting only the turns and entries the step touched; None when the step
    does what only `full_summary` keeps in order (see the module's docstring)."""
    if summary.unmarked_turns:
        return None
    changes: dict[TurnKey, tuple[int, int, set[MoneyUnit]]] = {}
    for old, new in step.entries:
        key = (new.session_id, new.turn_id)
        if old is not None and ((old.session_id, old.turn_id) != key or old.unit != new.unit):
            return None  # an entry moved to another turn or unit: not a change of one turn
        amount, count, units = changes.get(key, (0, 0, set()))
        units.add(new.unit)
        changes[key] = (amount + new.cost - (old.cost if old is not None else 0), count + (old is None), units)
    if any(key not in step.touched for key in changes):
        return None  # (a step names every turn it changed)
    turns = summary.turns.copy()
    sessions = summary.sessions.copy()
    by_unit = dict(summary.overall.by_unit)
    billed_moved = False
    for key in step.touched:
        mark = marks.get(key)
        if mark is None:
            return None
        before = turns.get(key)
        amount, count, units = changes.get(key, (0, 0, set()))
        if before is not None:
            amount += before.cost.amount
            count += before.cost.entries
        if len(units) > 1:
            return None
        unit = next(iter(units)) if units else (before.cost.unit if before is not None and before.cost.entries else mark.unit)
        if before is not None and unit != before.cost.unit:
            return None  # the turn (and maybe its session) would change unit
        after = turns[key] = _turn_cost(key, amount, count, unit, mark, llm_costs.get(key))
        session = sessions.get(key[0])
        if session is None:
            sessions[key[0]] = SessionCost(key[0], after.cost, 1)
        elif session.cost.unit == unit:
            if before is None:
                sessions[key[0]] = SessionCost(key[0], session.cost.plus(after.cost), session.turns + 1)
            else:
                sessions[key[0]] = SessionCost(key[0], session.cost.moved(before.cost, after.cost), session.turns)
        billed_moved = billed_moved or _bills(session) != _bills(sessions[key[0]])
        total = by_unit.get(unit)
        if total is None:
            by_unit[unit] = after.cost
        elif before is None:
            by_unit[unit] = total.plus(after.cost)
        else:
            by_unit[unit] = total.moved(before.cost, after.cost)
    billed = _billed(sessions) if billed_moved else summary.overall.sessions
    return CostSummary(turns, sessions, AllCost(by_unit, billed), 0)
