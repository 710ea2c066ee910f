"""What the usage ledger holds: billable entries, what it knows of each turn, and the record of
one move (`LedgerStep`), apart from the ledger so that the cost summary can follow a move
without importing the ledger (which keeps its summary beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MoneyUnit = Literal["micros", "credits"]
Source = Literal["reported", "estimated"]

TurnKey = tuple[str, str]
"""(session id, turn id)."""


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


@dataclass(frozen=True, slots=True)
class LedgerStep:
    """What one move of the ledger (a usage report, a turn's end) changed: enough to bring its
    summary up to date by the change alone, whatever the history."""

    touched: tuple[TurnKey, ...]
    """The turns whose entries, mark or LLM cost may have changed, in the order first touched."""
    entries: tuple[tuple[LedgerEntry | None, LedgerEntry], ...] = ()
    """Each entry written, with the one of its id it replaced (None for a new one), in order."""
