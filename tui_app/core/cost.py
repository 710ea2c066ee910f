"""The one cost model: what a turn, a session and all sessions cost, derived from the ledger only.

Every view (sidebar, usage panel, message headers, audit log, `tui-app ask`, export) and the
budget read these summaries, so they cannot disagree. A part whose price is not known stays
unknown: a summary says so (`unknown`), and its `amount` is then only what is known, a floor,
never a figure that counts the unknown part as $0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tui_app.core.cost_summary import AllCost, Cost, CostSummary, SessionCost, TurnCost
from tui_app.core.money import format_money
from tui_app.core.transcript import Turn
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit, TurnKey, UsageLedger

__all__ = [
    "AllCost",
    "Cost",
    "CostSummary",
    "SessionCost",
    "TurnCost",
    "format_cost",
    "session_cost",
    "summarize",
    "turn_cost",
    "with_stored_session",
]


def summarize(ledger: UsageLedger) -> CostSummary:
    """The summaries of `ledger`. Views ask on every streamed token, per session; the ledger is
    one for the workspace and moves with every session's usage reports, so its summary is kept
    beside it and follows each report by the change alone (`core/cost_summary.py`)."""
    return ledger.summary()


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
