"""Domain events to JSON text and back, exactly: `decode(encode(event)) == event`.

The text is `{"kind": "<dataclass name>", "fields": {<field>: <value>, ...}}` (fields are nested
because some events have a field named `kind`); nested dataclasses are plain objects and tuples
are arrays, rebuilt from the dataclasses' type hints on the way back. The store keeps this text
forever, so decoding is lenient where a newer app may differ: an unknown kind, or a known kind
whose fields no longer fit, becomes an `UnknownEvent` instead of an error.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Literal, Union

from tui_app.core.events import DomainEvent, UnknownEvent

EVENT_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in typing.get_args(DomainEvent)}
"""Every domain event class by its name: derived from `DomainEvent`, so a new one is covered."""


class _Mismatch(ValueError):
    """The JSON does not fit the type its field declares."""


def encode(event: DomainEvent) -> str:
    """The event as one line of JSON text, tagged with its class name."""
    # ensure_ascii keeps lone surrogates (legal in a Python str, seen in wire JSON) as \u escapes,
    # so the text is always valid UTF-8 for SQLite.
    envelope = {"kind": type(event).__name__, "fields": to_json_data(event)}
    return json.dumps(envelope, separators=(",", ":"))


def decode(text: str) -> DomainEvent:
    """The event `encode` wrote. Raises `ValueError` only if `text` is not a tagged JSON object."""
    envelope = json.loads(text)
    if (
        not isinstance(envelope, dict)
        or not isinstance(envelope.get("kind"), str)
        or not isinstance(envelope.get("fields", {}), dict)
    ):
        raise ValueError("not an encoded event: expected {'kind': str, 'fields': object}")
    kind: str = envelope["kind"]
    data: dict[str, Any] = envelope.get("fields", {})
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        return UnknownEvent(name=kind, payload=data)
    try:
        event = from_json_data(data, cls)
    except _Mismatch:
        # Written by a newer (or older) app with a different shape: kept, not fatal.
        return UnknownEvent(name=kind, payload=data)
    return typing.cast(DomainEvent, event)


def to_json_data(value: object) -> Any:
    """`value` (dataclasses, tuples, dicts, scalars) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_json_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json_data(item) for key, item in value.items()}
    return value


def from_json_data(data: Any, hint: Any) -> Any:
    """Rebuild a value of type `hint` from `to_json_data`'s output. Raises `ValueError` if it does not fit."""
    if hint is Any:
        return data
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return from_json_data(data, option)
            except _Mismatch:
                continue
        raise _Mismatch(f"{data!r} fits none of {hint}")
    if origin is Literal:
        if data not in typing.get_args(hint):
            raise _Mismatch(f"{data!r} is not one of {typing.get_args(hint)}")
        return data
    if origin is tuple:
        if not isinstance(data, list):
            raise _Mismatch(f"expected an array, got {data!r}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json_data(item, args[0]) for item in data)
        if len(args) != len(data):
            raise _Mismatch(f"expected {len(args)} items, got {len(data)}")
        return tuple(from_json_data(item, arg) for item, arg in zip(data, args, strict=True))
    if origin is dict:
        if not isinstance(data, dict):
            raise _Mismatch(f"expected an object, got {data!r}")
        _, value_hint = typing.get_args(hint) or (str, Any)
        return {key: from_json_data(item, value_hint) for key, item in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(data, hint)
    return _scalar(data, hint)


def _build(data: Any, cls: type[Any]) -> Any:
    if not isinstance(data, dict):
        raise _Mismatch(f"expected an object for {cls.__name__}, got {data!r}")
    hints = _field_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name in data:
            values[field.name] = from_json_data(data[field.name], hints[field.name])
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise _Mismatch(f"{cls.__name__} needs {field.name!r}")
    # Fields this version does not know (a newer app's) are ignored here; the store keeps the text.
    return cls(**values)


def _scalar(data: Any, hint: Any) -> Any:
    if hint is float:
        # JSON has one number type: an integral float may come back as an int.
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
    elif hint is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif hint in (str, bool):
        if isinstance(data, hint):
            return data
    elif hint is type(None):
        if data is None:
            return None
    else:
        raise TypeError(f"event_codec cannot decode {hint!r}: teach from_json_data about it")
    raise _Mismatch(f"{data!r} is not a {hint.__name__}")


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_hints(cls: type[Any]) -> dict[str, Any]:
    # The events module uses `from __future__ import annotations`: resolve the strings once.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]
