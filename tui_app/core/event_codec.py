"""Domain events to JSON text and back, exactly: `decode(encode(event)) == event`.

The text is `{"kind": "<dataclass name>", "fields": {<field>: <value>, ...}}` (fields are nested
because some events have a field named `kind`); nested dataclasses are plain objects and tuples
are arrays, rebuilt from the dataclasses' type hints on the way back. The store keeps this text
forever, so decoding is lenient where a newer app may differ: an unknown kind, or a known kind
whose fields no longer fit, becomes an `UnknownEvent` instead of an error.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any, Literal, Union

from tui_app.core.events import DomainEvent, UnknownEvent

EVENT_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in typing.get_args(DomainEvent)}
"""Every domain event class by its name: derived from `DomainEvent`, so a new one is covered."""


_ENCODER = json.JSONEncoder(separators=(",", ":"))
"""Made once: `json.dumps` with any option builds a new encoder per call (the store encodes every event)."""


class _Mismatch(ValueError):
    """The JSON does not fit the type its field declares."""


def encode(event: DomainEvent) -> str:
    """The event as one line of JSON text, tagged with its class name."""
    # ensure_ascii keeps lone surrogates (legal in a Python str, seen in wire JSON) as \u escapes,
    # so the text is always valid UTF-8 for SQLite.
    return _ENCODER.encode({"kind": type(event).__name__, "fields": to_json_data(event)})


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


_PLAIN = (str, int, float, bool, type(None))


def to_json_data(value: object) -> Any:
    """`value` (dataclasses, tuples, dicts, scalars) as JSON-ready data."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        data = {}
        for name in names:
            item = getattr(value, name)
            data[name] = item if type(item) in _PLAIN else to_json_data(item)
        return data
    if isinstance(value, (tuple, list)):
        return [to_json_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json_data(item) for key, item in value.items()}
    return value


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}
"""Each dataclass's field names, in order: `dataclasses.fields` is slow to call per value."""


def from_json_data(data: Any, hint: Any) -> Any:
    """Rebuild a value of type `hint` from `to_json_data`'s output. Raises `ValueError` if it does not fit."""
    return _converter(hint)(data)


_Convert = typing.Callable[[Any], Any]
_CONVERTERS: dict[Any, _Convert] = {}


def _converter(hint: Any) -> _Convert:
    """A function that rebuilds a value of type `hint`, made once per hint (restoring a store
    decodes thousands of events: working out the hint each time was most of the cost)."""
    try:
        return _CONVERTERS[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint: work it out each time
        return _make_converter(hint)
    convert = _CONVERTERS[hint] = _make_converter(hint)
    return convert


def _make_converter(hint: Any) -> _Convert:
    if hint is Any:
        return lambda data: data
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        nullable = type(None) in options
        converters = [_converter(option) for option in options if option is not type(None)]

        def union(data: Any) -> Any:
            if data is None and nullable:
                return None
            for convert in converters:
                try:
                    return convert(data)
                except _Mismatch:
                    continue
            raise _Mismatch(f"{data!r} fits none of {hint}")

        return union
    if origin is Literal:
        allowed = typing.get_args(hint)

        def literal(data: Any) -> Any:
            if data not in allowed:
                raise _Mismatch(f"{data!r} is not one of {allowed}")
            return data

        return literal
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])

            def homogeneous(data: Any) -> Any:
                if not isinstance(data, list):
                    raise _Mismatch(f"expected an array, got {data!r}")
                return tuple([item(value) for value in data])

            return homogeneous
        items = [_converter(arg) for arg in args]

        def fixed(data: Any) -> Any:
            if not isinstance(data, list):
                raise _Mismatch(f"expected an array, got {data!r}")
            if len(items) != len(data):
                raise _Mismatch(f"expected {len(items)} items, got {len(data)}")
            return tuple([convert(value) for value, convert in zip(data, items, strict=True)])

        return fixed
    if origin is dict:
        _, value_hint = typing.get_args(hint) or (str, Any)
        value_of = _converter(value_hint)

        def mapping(data: Any) -> Any:
            if not isinstance(data, dict):
                raise _Mismatch(f"expected an object, got {data!r}")
            return {key: value_of(item) for key, item in data.items()}

        return mapping
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return functools.partial(_build, cls=hint)
    if hint is float:
        return _to_float
    if hint is str:
        return _to_str
    if hint in (int, bool, type(None)):
        return functools.partial(_scalar, hint=hint)
    raise TypeError(f"event_codec cannot decode {hint!r}: teach from_json_data about it")


def _to_float(data: Any) -> float:
    # JSON has one number type: an integral float may come back as an int.
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    raise _Mismatch(f"{data!r} is not a float")


def _to_str(data: Any) -> str:
    if type(data) is str:
        return data
    if isinstance(data, str):
        return data
    raise _Mismatch(f"{data!r} is not a str")


def _scalar(data: Any, hint: type[Any]) -> Any:
    if hint is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif hint is type(None):
        if data is None:
            return None
    elif isinstance(data, hint):
        return data
    raise _Mismatch(f"{data!r} is not a {hint.__name__}")


def _build(data: Any, cls: type[Any]) -> Any:
    if not isinstance(data, dict):
        raise _Mismatch(f"expected an object for {cls.__name__}, got {data!r}")
    plan = _field_plan(cls)
    try:
        # The usual case, every field present: positional arguments, in field order.
        args = [convert(data[name]) for name, convert, _ in plan]
    except KeyError:
        pass
    else:
        return cls(*args)
    values: dict[str, Any] = {}
    for name, convert, required in plan:
        if name in data:
            values[name] = convert(data[name])
        elif required:
            raise _Mismatch(f"{cls.__name__} needs {name!r}")
    # Fields this version does not know (a newer app's) are ignored here; the store keeps the text.
    return cls(**values)


_PLANS: dict[type[Any], tuple[tuple[str, _Convert, bool], ...]] = {}


def _field_plan(cls: type[Any]) -> tuple[tuple[str, _Convert, bool], ...]:
    """(name, converter, required) for each field of `cls`, worked out once."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _field_hints(cls)
        plan = _PLANS[cls] = tuple(
            (
                field.name,
                _converter(hints[field.name]),
                field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING,
            )
            for field in dataclasses.fields(cls)
        )
    return plan


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_hints(cls: type[Any]) -> dict[str, Any]:
    # The events module uses `from __future__ import annotations`: resolve the strings once.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]
