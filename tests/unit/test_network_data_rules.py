"""The rule for network text (`clean_text`, `clean_data`): control removed, what hides or
reorders text shown as a marker, lone surrogates replaced, nesting bounded; and the rule for a
price (`micros`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from tui_app.core.events import TurnCompleted, TurnStarted, Usage, UsageEntry, UsageReported
from tui_app.persistence.store import SessionRecord, Store
from tui_app.backends.wire_json import MAX_MICROS, loads, micros
from tui_app.core.sanitize import MAX_DEPTH, TooDeep, clean_data, clean_text

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\ud800-\udfff]")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),  # clipboard write
        ("a\x1b]0;title\x1b\\b", "ab"),  # window title
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # hyperlink
        ("\x1b[2J\x1b[Hx", "x"),  # screen clear
        ("a\rb\x07c\x00d", "abcd"),
        ("keep\ttabs\nand lines", "keep\ttabs\nand lines"),
        ("\x9b31mred", "⟨U+009B⟩31mred"),  # an 8-bit CSI is shown, so it cannot act
        ("\u202eevil\u202c", "⟨U+202E⟩evil⟨U+202C⟩"),
        ("\u2067iso\u2069", "⟨U+2067⟩iso⟨U+2069⟩"),
        ("a\u200bb\u2060c\ufeff", "a⟨U+200B⟩b⟨U+2060⟩c⟨U+FEFF⟩"),
        ("x\ud800y", "x\ufffdy"),
        ("👨\u200d👩\u200d👧 and نیم\u200cفاصله", "👨\u200d👩\u200d👧 and نیم\u200cفاصله"),  # joiners scripts need
        ("[/x] [@click=app.quit]", "[/x] [@click=app.quit]"),  # markup is the UI's to escape, not ours to change
    ],
)
def test_network_text_is_shown_not_obeyed(raw: str, shown: str) -> None:
    assert clean_text(raw) == shown


@given(st.text())
def test_clean_text_leaves_nothing_unsafe_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert UNSAFE.search(cleaned) is None
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")


def test_data_is_cleaned_keys_and_all_and_nesting_is_bounded() -> None:
    assert clean_data({"k\x07": ["\u202e", {"x": 1}]}) == {"k": ["⟨U+202E⟩", {"x": 1}]}
    deep: object = []
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(TooDeep):
        clean_data(deep)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_json_nested_deep_is_a_value_error_not_a_recursion_error(depth: int) -> None:
    with pytest.raises(ValueError):
        loads("[" * depth + "]" * depth)


def test_a_lone_surrogate_escape_in_json_is_replaced() -> None:
    assert loads(json.dumps({"t": "\ud800"})) == {"t": "\ufffd"}


@pytest.mark.parametrize("value", [-1, "12", 1.5, True, MAX_MICROS + 1, 10**30, [], None])
def test_a_value_that_is_not_a_price_is_unknown(value: object) -> None:
    assert micros(value) is None


@pytest.mark.parametrize("value", [0, 1, 1_234_567, MAX_MICROS])
def test_a_price_is_kept(value: int) -> None:
    assert micros(value) == value


def test_an_entry_without_a_price_is_saved_and_restored_as_unknown(tmp_path: Path) -> None:
    usage = Usage("m", 1, 2, None, None, (UsageEntry("e1", "llm", 7), UsageEntry("e2", "api", None)))
    events = [TurnStarted("t1"), UsageReported("t1", usage), TurnCompleted("t1", "completed")]
    with Store(tmp_path / "tui-app.db") as store:
        store.save_session(SessionRecord("s1", "casedev", "r1", "t", None, "ready", "micros", 1.0, 1.0))
        store.append_events("s1", events)
        store.flush()
    with Store(tmp_path / "tui-app.db") as store:
        assert store.load_events("s1") == events
        restored = store.load_transcript("s1")
    # The entry with a price is not booked alone: the turn's cost is unknown, not $0.000007.
    assert restored.ledger_entries == []
    assert restored.transcript.turns[0].usage == usage
