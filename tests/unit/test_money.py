from hypothesis import given, strategies as st

from tui_app.core.money import format_micros


def test_micro_dollars_are_formatted_exactly() -> None:
    assert format_micros(0) == "$0.00"
    assert format_micros(1_677) == "$0.001677"
    assert format_micros(10_000) == "$0.01"
    assert format_micros(1_500_000) == "$1.50"
    assert format_micros(1_234_567_890) == "$1,234.56789"
    assert format_micros(-250_000) == "-$0.25"


def test_unknown_cost_never_reads_as_zero() -> None:
    assert format_micros(None) == "unknown"


@given(st.integers(min_value=0, max_value=10**15))
def test_formatting_loses_no_micro_dollar(micros: int) -> None:
    text = format_micros(micros).removeprefix("$").replace(",", "")
    dollars, fraction = text.split(".")
    assert int(dollars) * 1_000_000 + int(fraction.ljust(6, "0")) == micros
