"""The end-of-session reconciliation: the service's final cost beside the ledger's total, exact to
the micro-dollar."""

from __future__ import annotations

from tui_app.core.cost import Cost, session_cost
from tui_app.core.events import TurnCompleted, Usage, UsageEntry, UsageReported
from tui_app.core.reconciliation import NOT_REPORTED, Reconciliation
from tui_app.core.usage_ledger import UsageLedger


def ledger_of(*turns: tuple[str, int | None]) -> UsageLedger:
    """A ledger fed as the controller feeds it: a usage report (if any), then the turn's end."""
    ledger = UsageLedger()
    for turn, cost in turns:
        if cost is not None:
            usage = Usage("m", 10, 5, cost, cost, (UsageEntry(f"{turn}:llm", "llm", cost),))
            ledger = ledger.record_event("s1", UsageReported(turn, usage), "micros")
        ledger = ledger.record_event("s1", TurnCompleted(turn, "completed"), "micros")
    return ledger


def test_a_final_cost_equal_to_the_ledger_agrees_to_the_micro_dollar() -> None:
    total = session_cost(ledger_of(("t1", 1_234_567), ("t2", 1)), "s1", "micros")
    ended = Reconciliation(1_234_568, total)
    assert (ended.difference, ended.agrees) == (0, True)
    assert ended.short() == "$1.234568 = ledger"
    assert ended.sentence() == "Final cost $1.234568 reported by the service; the ledger agrees to the micro-dollar."


def test_a_single_micro_dollar_apart_is_a_difference_with_its_sign() -> None:
    total = session_cost(ledger_of(("t1", 1_000_000)), "s1", "micros")
    higher = Reconciliation(1_000_001, total)
    assert (higher.difference, higher.agrees) == (1, False)
    assert higher.difference_text() == "+$0.000001 (the service's is higher)"
    assert higher.short() == "$1.000001, ledger $1.00 (+$0.000001)"
    lower = Reconciliation(999_999, total)
    assert lower.difference == -1
    assert lower.difference_text() == "-$0.000001 (the ledger's is higher)"
    assert "difference -$0.000001" in lower.sentence()


def test_a_service_that_reports_nothing_is_said_so_never_taken_as_zero() -> None:
    ended = Reconciliation(None, session_cost(ledger_of(("t1", 5)), "s1", "micros"))
    assert ended.difference is None and not ended.agrees
    assert ended.service_text() == NOT_REPORTED == ended.short()
    assert ended.sentence() == "Final cost not reported by the service; the ledger's total is $0.000005."
    assert ended.to_json_data()["service_final_cost"] is None


def test_a_ledger_with_an_unpriced_turn_gives_no_exact_difference() -> None:
    total = session_cost(ledger_of(("t1", 700), ("t2", None)), "s1", "micros")
    assert total.unknown
    ended = Reconciliation(900, total)
    assert ended.difference is None
    assert ended.difference_text() == "not exact: some turns have no price in the ledger"
    assert ended.short() == "$0.0009, ledger ≥ $0.0007"
    assert ended.to_json_data() == {
        "unit": "micros", "service_final_cost": 900, "ledger_total": None, "ledger_known_part": 700,
        "difference": None, "agrees": False,
    }


def test_credits_are_compared_as_credits() -> None:
    ended = Reconciliation(12, Cost(10, "credits", entries=2))
    assert ended.difference_text() == "+2 credits (the service's is higher)"
