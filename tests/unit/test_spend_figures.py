"""The cockpit's derivations: spend rate, tokens per second, the cumulative sparkline and the
totals by period, from samples with a clock passed in."""

from __future__ import annotations

from datetime import datetime

from tui_app.core.cost import Cost
from tui_app.core.spend_periods import spent_since, start_of_day, start_of_week
from tui_app.core.spend_rate import KEEP_SECONDS, Sample, SpendHistory, cumulative, rate_per_minute, tokens_per_second


def history(*points: tuple[float, int, int]) -> SpendHistory:
    first, *rest = points
    kept = SpendHistory(Sample(*first))
    for point in rest:
        kept.add(Sample(*point))
    return kept


def test_the_rate_is_what_was_spent_over_the_last_five_minutes_per_minute() -> None:
    # $0.10 spent before the window, then $0.03 in its five minutes.
    spent = history((0, 0, 0), (60, 100_000, 10), (400, 110_000, 20), (600, 130_000, 30))
    assert rate_per_minute(spent, now=650) == 30_000 // 5
    # Nothing since: the rate falls as the window moves past the spending.
    assert rate_per_minute(spent, now=1_000) == 0


def test_a_young_session_rates_over_its_own_life_not_five_minutes() -> None:
    spent = history((100, 0, 0), (130, 5_000, 50))
    assert rate_per_minute(spent, now=160) == 5_000  # $0.005 in its first minute
    assert rate_per_minute(history((100, 0, 0)), now=100) is None  # no time has passed


def test_tokens_per_second_are_counted_over_the_last_ten_seconds() -> None:
    tokens = history((0, 0, 0), (5, 10, 40), (10, 20, 90), (15, 30, 140))
    assert tokens_per_second(tokens, now=15) == (140 - 40) / 10
    assert tokens_per_second(tokens, now=40) == 0  # the turn ended: it falls back to 0


def test_a_sample_is_kept_only_when_a_figure_moved_and_old_ones_are_dropped() -> None:
    kept = history((0, 0, 0), (1, 0, 0), (2, 10, 1))
    assert len(kept.samples) == 2
    kept.add(Sample(KEEP_SECONDS + 10, 20, 2))
    # The sample a window starting at the cut needs stays; the older one goes.
    assert [s.at for s in kept.samples] == [2, KEEP_SECONDS + 10]


def test_the_sparkline_draws_the_cumulative_cost_up_to_now() -> None:
    spent = history((0, 0, 0), (30, 100, 1), (60, 300, 2))
    assert cumulative(spent, now=60, span=60, points=3) == [0, 100, 300]


def test_today_and_this_week_add_turn_costs_dated_in_them_per_unit() -> None:
    now = datetime(2026, 11, 26, 15, 0)  # a Thursday
    assert start_of_day(now) == datetime(2026, 11, 26)
    assert start_of_week(now) == datetime(2026, 11, 23)  # Monday
    monday, today = datetime(2026, 11, 23, 9).timestamp(), datetime(2026, 11, 26, 9).timestamp()
    last_week = datetime(2026, 11, 20, 9).timestamp()
    turns = [
        (last_week, Cost(500, "micros", entries=1)),
        (monday, Cost(200, "micros", entries=1)),
        (today, Cost(30, "micros", entries=1)),
        (today, Cost(7, "credits", entries=1)),
    ]
    week = spent_since(turns, start_of_week(now).timestamp())
    day = spent_since(turns, start_of_day(now).timestamp())
    assert (week["micros"].amount, day["micros"].amount) == (230, 30)
    assert day["credits"] == Cost(7, "credits", entries=1)  # apart from dollars


def test_an_unpriced_turn_keeps_the_period_total_unknown() -> None:
    turns = [(10.0, Cost(30, "micros", entries=1)), (20.0, Cost(0, "micros", unknown=True, unknown_turns=1))]
    total = spent_since(turns, 0)["micros"]
    assert total.unknown and total.amount == 30
