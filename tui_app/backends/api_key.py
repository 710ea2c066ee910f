"""An API key as a value that never shows itself: what adapters send, and settings find."""

from __future__ import annotations


class ApiKey:
    """A key that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "ApiKey('****')"

    __str__ = __repr__
