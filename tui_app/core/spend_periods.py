"""What was spent today and this week: each turn's ledger cost (`core/cost.py`), dated by when
its first message appeared, added up per unit (dollars and credits never add)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from tui_app.core.cost import Cost
from tui_app.core.usage_ledger import MoneyUnit


def start_of_day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def start_of_week(now: datetime) -> datetime:
    """Monday, 00:00, of `now`'s week (ISO weeks)."""
    return start_of_day(now) - timedelta(days=now.weekday())


def spent_since(turns: Iterable[tuple[float, Cost]], since: float) -> Mapping[MoneyUnit, Cost]:
    """The sum per unit of the turn costs dated (Unix time) at or after `since`. A turn whose
    cost is partly unknown keeps the sum unknown (a floor), as in `core/cost.py`."""
    totals: dict[MoneyUnit, Cost] = {}
    for when, cost in turns:
        if when < since:
            continue
        known = totals.get(cost.unit)
        totals[cost.unit] = cost if known is None else known.plus(cost)
    return totals
