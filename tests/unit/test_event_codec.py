import dataclasses
import json
import typing
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from tui_app.core.event_codec import EVENT_TYPES, decode, encode
from tui_app.core.events import (
    DomainEvent,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionOption,
    QuestionSettled,
    StreamInterrupted,
    TurnCompleted,
    UnknownEvent,
    Usage,
    UsageEntry,
    UsageReported,
)

# What a wire payload can hold: JSON values (lists, not tuples; no NaN, which never equals itself).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def field_strategy(hint: Any) -> st.SearchStrategy[Any]:
    if hint is float:
        return st.floats(allow_nan=False)
    if typing.get_origin(hint) is dict:
        return st.dictionaries(st.text(), json_values, max_size=4)
    return st.from_type(hint)


def events_of(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Every field drawn, optional ones included (builds() alone would leave those at their defaults)."""
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: field_strategy(hints[f.name]) for f in dataclasses.fields(cls)})


@pytest.mark.parametrize("cls", typing.get_args(DomainEvent), ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None)  # no timed assertion: a loaded machine is slow, not wrong
@given(data=st.data())
def test_every_event_type_survives_encode_and_decode(cls: type[Any], data: st.DataObject) -> None:
    event = data.draw(events_of(cls))
    decoded = decode(encode(event))
    assert decoded == event
    assert type(decoded) is cls


def test_every_event_type_is_known_to_the_codec() -> None:
    assert set(EVENT_TYPES.values()) == set(typing.get_args(DomainEvent))


def test_nested_values_come_back_as_tuples_and_dataclasses() -> None:
    usage = Usage("m", 1, 2, 3, 4, (UsageEntry("e1", "llm", 3, model="m"), UsageEntry("e2", "tool", 1)))
    asked = QuestionAsked("t", "r", (Question("Which?", options=(QuestionOption("A", "first"),)),))
    settled = QuestionSettled("t", "r", (("A",), ()))
    for event in (UsageReported("t", usage), asked, settled):
        assert decode(encode(event)) == event
    decoded = decode(encode(settled))
    assert isinstance(decoded, QuestionSettled) and decoded.answers is not None
    assert all(isinstance(answer, tuple) for answer in decoded.answers)


def test_the_text_is_tagged_with_the_class_name() -> None:
    assert json.loads(encode(TurnCompleted("t", "completed"))) == {
        "kind": "TurnCompleted",
        "fields": {"turn_id": "t", "outcome": "completed", "error": None},
    }


def test_a_kind_from_a_newer_app_is_kept_as_an_unknown_event() -> None:
    text = json.dumps({"kind": "SnapshotTaken", "fields": {"snapshot_id": "s1", "size": 3}})
    assert decode(text) == UnknownEvent(name="SnapshotTaken", payload={"snapshot_id": "s1", "size": 3})


def test_a_known_kind_whose_fields_no_longer_fit_is_kept_not_fatal() -> None:
    missing = json.dumps({"kind": "TurnCompleted", "fields": {"outcome": "completed"}})
    wrong_literal = json.dumps({"kind": "TurnCompleted", "fields": {"turn_id": "t", "outcome": "exploded"}})
    assert decode(missing) == UnknownEvent("TurnCompleted", {"outcome": "completed"})
    assert isinstance(decode(wrong_literal), UnknownEvent)


def test_a_newer_apps_extra_field_is_ignored() -> None:
    text = json.dumps({"kind": "TurnCompleted", "fields": {"turn_id": "t", "outcome": "failed", "retryable": True}})
    assert decode(text) == TurnCompleted("t", "failed")


def test_text_no_utf8_can_hold_still_round_trips_as_ascii_json() -> None:
    event = PartUpdated("t", "m", "p", "text", text="lone \ud800 surrogate", delta="\x00\x1b[2J")
    text = encode(event)
    assert text.isascii()
    assert decode(text) == event


def test_an_integral_float_comes_back_as_a_float() -> None:
    decoded = decode(encode(StreamInterrupted(None, 1, 2.0, "reset")))
    assert isinstance(decoded, StreamInterrupted) and isinstance(decoded.retry_in, float)


@pytest.mark.parametrize(
    "text", ["[]", '{"fields": {}}', '{"kind": 3}', '{"kind": "TurnStarted", "fields": []}', "not json"]
)
def test_text_that_is_not_an_encoded_event_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        decode(text)
