"""The end-of-session reconciliation: the service's final cost beside the ledger's total.

When a Case.dev chat is ended, `DELETE` answers with its final cost (`cost`: dollars, a float
in the casedev 0.70.0 SDK's `ChatDeleteResponse`; the embedded server adds the exact
`costMicros`, and the adapter turns dollars into micro-dollars otherwise). The ledger has every
billable entry the turns reported. The two should agree to the micro-dollar; when they do not,
both are shown with the difference, never one quietly preferred. Stewrd ends no session with a
figure (it expires them), so its side is "not reported by the service".
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_app.core.cost import Cost, format_cost
from tui_app.core.money import format_money
from tui_app.core.usage_ledger import MoneyUnit

NOT_REPORTED = "not reported by the service"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The service's final cost and the ledger's total for one session, in one unit."""

    service: int | None
    """What the service said the session cost when it ended; None when it said nothing."""
    ledger: Cost
    """What the ledger adds up to (a floor when some turn had no price)."""

    @property
    def unit(self) -> MoneyUnit:
        return self.ledger.unit

    @property
    def difference(self) -> int | None:
        """The service's figure minus the ledger's, exactly; None when either is not known."""
        if self.service is None or self.ledger.unknown:
            return None
        return self.service - self.ledger.amount

    @property
    def agrees(self) -> bool:
        return self.difference == 0

    def service_text(self) -> str:
        return NOT_REPORTED if self.service is None else format_money(self.service, self.unit)

    def ledger_text(self) -> str:
        return format_cost(self.ledger)

    def difference_text(self) -> str:
        """`none` when they agree; `+$0.0003 (the service's is higher)`; or why there is no figure."""
        difference = self.difference
        if difference is None:
            if self.service is None:
                return "none to compare"
            return "not exact: some turns have no price in the ledger"
        if difference == 0:
            return "none"
        sign = "+" if difference > 0 else "-"
        higher = "the service's is higher" if difference > 0 else "the ledger's is higher"
        return f"{sign}{format_money(abs(difference), self.unit)} ({higher})"

    def sentence(self) -> str:
        """One line for a person: both figures and what lies between them."""
        if self.service is None:
            return f"Final cost {NOT_REPORTED}; the ledger's total is {self.ledger_text()}."
        if self.agrees:
            return f"Final cost {self.service_text()} reported by the service; the ledger agrees to the micro-dollar."
        return (
            f"Final cost {self.service_text()} reported by the service; the ledger's total is "
            f"{self.ledger_text()}; difference {self.difference_text()}."
        )

    def short(self) -> str:
        """What the usage panel has room for."""
        if self.service is None:
            return NOT_REPORTED
        if self.agrees:
            return f"{self.service_text()} = ledger"
        difference = self.difference
        if difference is None:
            return f"{self.service_text()}, ledger {self.ledger_text()}"
        sign = "+" if difference > 0 else "-"
        return f"{self.service_text()}, ledger {self.ledger_text()} ({sign}{format_money(abs(difference), self.unit)})"

    def to_json_data(self) -> dict[str, object]:
        """Integers (micro-dollars or credits), None where not known."""
        return {
            "unit": self.unit,
            "service_final_cost": self.service,
            "ledger_total": self.ledger.exact,
            "ledger_known_part": self.ledger.amount,
            "difference": self.difference,
            "agrees": self.agrees,
        }

