from hypothesis import given, strategies as st

from tui_app.core.events import Usage, UsageEntry
from tui_app.core.cost import summarize
from tui_app.core.usage_ledger import UsageLedger


def snapshot(turn: str, llm: int, api: int) -> Usage:
    entries = (UsageEntry(f"{turn}:llm", "llm", llm),) + ((UsageEntry(f"{turn}:api", "api", api),) if api else ())
    return Usage("m", 10, 5, llm, llm + api, entries)


# A session's reports: for each turn, growing snapshots (what a running turn reports).
turn_reports = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 5_000)).map(lambda p: sorted([p[0], p[0] + 37])),
    min_size=1,
    max_size=5,
)


def clean_sequence(turns: list[list[int]]) -> list[tuple[str, Usage]]:
    return [(f"t{i}", snapshot(f"t{i}", cost, 500 if i % 2 else 0)) for i, costs in enumerate(turns) for cost in costs]


@given(turn_reports, st.data())
def test_replays_duplicates_and_resends_give_the_clean_totals(turns: list[list[int]], data: st.DataObject) -> None:
    clean = clean_sequence(turns)
    noisy = list(clean)
    for _ in range(data.draw(st.integers(0, 6))):
        start = data.draw(st.integers(0, len(clean) - 1))
        noisy += clean[start:]  # a reconnect resends a suffix
    noisy += data.draw(st.lists(st.sampled_from(clean), max_size=5))  # stray duplicates

    def run(reports: list[tuple[str, Usage]]) -> UsageLedger:
        ledger = UsageLedger()
        for turn, usage in reports:
            ledger = ledger.record("s1", turn, usage, "micros")
        return ledger

    assert summarize(run(noisy)).overall == summarize(run(clean)).overall
    assert summarize(run(noisy)).session("s1", "micros") == summarize(run(clean)).session("s1", "micros")


@given(turn_reports, st.randoms(use_true_random=False))
def test_the_total_never_goes_down_whatever_the_order(turns: list[list[int]], rng) -> None:  # type: ignore[no-untyped-def]
    reports = clean_sequence(turns)
    rng.shuffle(reports)
    ledger, last = UsageLedger(), 0
    for turn, usage in reports:
        ledger = ledger.record("s1", turn, usage, "micros")
        total = summarize(ledger).overall.get("micros").amount
        assert total >= last
        last = total


def test_a_turn_shows_its_llm_cost_and_the_total_of_its_audit_entries() -> None:
    ledger = UsageLedger().record("s1", "t1", snapshot("t1", 1_600, 2_000), "micros")
    turn = summarize(ledger).turn("s1", "t1")
    assert turn is not None and (turn.llm, turn.cost.amount, turn.cost.unit, turn.cost.entries) == (1_600, 3_600, "micros", 2)
    assert summarize(ledger).turn("s1", "t2") is None


def test_credits_and_dollars_are_kept_apart_across_sessions() -> None:
    ledger = (
        UsageLedger()
        .record("a", "t1", snapshot("t1", 1_000, 0), "micros")
        .record("b", "t1", Usage(None, 0, 12, 1, 1), "credits")
        .record("b", "t2", Usage(None, 0, 9, 3, 3), "credits")
    )
    costs = summarize(ledger)
    assert {unit: cost.amount for unit, cost in costs.overall.by_unit.items()} == {"micros": 1_000, "credits": 4}
    assert (costs.session("b", "credits").cost.amount, costs.session("b", "credits").cost.unit) == (4, "credits")
    assert (costs.session("a", "micros").cost.amount, costs.session("a", "micros").cost.unit) == (1_000, "micros")
