"""How Python values are kept in SQLite columns, losslessly, and read back."""

from __future__ import annotations

import json

from tui_app.core.event_codec import from_json_data, to_json_data


def to_sql_text(text: str) -> str | bytes:
    """`text` as SQLite can hold it, losslessly.

    A lone surrogate (legal in a Python str, and in wire JSON) is not UTF-8, and SQLite's TEXT
    is: such a text is kept as a BLOB of its UTF-8 with the surrogates passed through.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
    return text


def from_sql_text(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def to_json_text(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(to_json_data(value), separators=(",", ":"))


def answers_from_json(text: str | None) -> tuple[tuple[str, ...], ...] | None:
    return None if text is None else from_json_data(json.loads(text), tuple[tuple[str, ...], ...])
