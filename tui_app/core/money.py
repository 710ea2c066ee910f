"""Money is an integer of micro-dollars end to end; it becomes text only here."""

from __future__ import annotations

MICROS_PER_DOLLAR = 1_000_000


def format_micros(micros: int | None) -> str:
    """Format micro-dollars exactly: at least cents, up to every non-zero micro-dollar digit.

    `None` means the cost is not known, which must never read as $0.00.
    """
    if micros is None:
        return "unknown"
    sign = "-" if micros < 0 else ""
    dollars, fraction = divmod(abs(micros), MICROS_PER_DOLLAR)
    digits = f"{fraction:06d}".rstrip("0").ljust(2, "0")
    return f"{sign}${dollars:,}.{digits}"


def format_money(amount: int | None, unit: str) -> str:
    """Micro-dollars as dollars; credits (Stewrd's unit) as a count of credits."""
    if unit == "credits":
        return "unknown" if amount is None else f"{amount:,} credit{'s' if amount != 1 else ''}"
    return format_micros(amount)
