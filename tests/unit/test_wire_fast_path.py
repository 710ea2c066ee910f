"""The hot path's readers give what the general ones give: pydantic's reading of a part update,
the standard library's JSON, `clean_data`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import event, given, settings, strategies as st

from tui_app.backends import wire_json
from tui_app.backends.casedev_wire import PartUpdatedWire, text_part_update
from tui_app.core.sanitize import clean_data

_VALUE = st.one_of(st.none(), st.text(max_size=3), st.integers(), st.booleans(), st.just({}), st.just([]))
_MOSTLY_TEXT = st.one_of(*[st.text(max_size=3)] * 5, _VALUE)
_PART = st.fixed_dictionaries(
    {},
    optional={
        "id": _MOSTLY_TEXT, "type": st.one_of(st.sampled_from(["text", "reasoning", "tool"]), st.just("text"), _VALUE),
        "text": _MOSTLY_TEXT, "tool": _VALUE, "state": _VALUE, "extra": _VALUE,
    },
)
_PAYLOAD = st.fixed_dictionaries(
    {"turnId": _MOSTLY_TEXT, "messageId": _MOSTLY_TEXT, "part": st.one_of(_PART, _PART, _PART, _VALUE)},
    optional={"partId": _MOSTLY_TEXT, "delta": _MOSTLY_TEXT, "turn_id": _VALUE, "part_id": _VALUE},
)


def _pydantic(data: dict[str, Any]) -> object:
    try:
        update = PartUpdatedWire.model_validate(data)
        part_id = update.part_id or update.part.id
        if part_id is None:
            return "error"
        return update.part.to_event(update.turn_id, update.message_id, part_id, update.delta)
    except ValueError:
        return "error"


@settings(max_examples=400)
@given(_PAYLOAD)
def test_the_fast_reading_of_a_part_update_is_pydantics(data: dict[str, Any]) -> None:
    fast = text_part_update(data)
    event("fast" if fast is not None else "pydantic")
    if fast is not None:
        assert fast == _pydantic(data)


def test_the_plain_text_update_takes_the_fast_path() -> None:
    data = {"turnId": "t", "messageId": "m", "partId": "p", "part": {"id": "p", "type": "text", "text": "ab"}, "delta": "b"}
    assert text_part_update(data) == _pydantic(data)
    assert text_part_update(data) is not None


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300)
@given(_JSON, st.sampled_from([True, False]))
def test_loads_reads_what_the_standard_library_reads_and_cleans_it(value: Any, ascii_only: bool) -> None:
    data = json.dumps(value, ensure_ascii=ascii_only)
    assert wire_json.loads(data) == clean_data(json.loads(data))


@pytest.mark.parametrize("data", ["NaN", '"\\ud800x"', '[1e400]', '"\\u001b[31mred"', '"\\u0085"', '"a\\bc"',
    '{"a\\u202E": "\\u2066\\uFEFF\\r"}', '"\\ud83d\\ude00"', '"tab\\tand\\nline"', '"\\u007f"', '{"id": "p", "text": "' + "x" * 300 + '\\u202e"}'])
def test_what_msgspec_refuses_or_cleaning_changes_reads_as_before(data: str) -> None:
    assert repr(wire_json.loads(data)) == repr(clean_data(json.loads(data)))


def test_json_too_deep_or_invalid_is_a_value_error() -> None:
    for data in ("[" * 65 + "]" * 65, "[" * 100 + "]" * 100, "[" * 100_000 + "]" * 100_000, "{", b"\xff"):
        with pytest.raises(ValueError):
            wire_json.loads(data)


def test_a_reply_sent_whole_with_every_token_is_cleaned_once_not_once_per_frame() -> None:
    """Every frame of a streamed part carries its whole text so far; each character of it is
    cleaned about once over the reply, not once per frame (O(n), not O(n²))."""
    text, before = "", wire_json.GROWING.chars_cleaned
    for n in range(3000):
        text += f"tok{n} \u2014 "  # non-ASCII: every frame takes the slow road of `loads`
        payload = {"type": "message.part.updated", "part": {"id": "prt_once", "type": "text", "text": text}, "delta": "x"}
        frame = wire_json.loads(json.dumps(payload))
        assert frame["part"]["text"] == text
    assert len(text) > 20_000
    assert len(text) - 256 <= wire_json.GROWING.chars_cleaned - before <= 2 * len(text)


def test_a_hostile_escape_split_between_frames_is_removed_as_if_sent_whole() -> None:
    texts = ["safe \x1b", "safe \x1b]0;evil title", "safe \x1b]0;evil title\x07 and more " + "y" * 300]
    for text in texts:
        payload = {"part": {"id": "prt_escape", "text": text + "z" * 300}}
        assert wire_json.loads(json.dumps(payload))["part"]["text"] == clean_data(text + "z" * 300)
