"""A settings file whose every value is plainly right, read without pydantic.

Most `config.toml` files set a few values of exactly their field's type, within bounds: those are
the settings as they stand, and the start need not load pydantic to say so (issue 16: the first
screen). Anything else (a value of another type that pydantic might convert, one out of bounds, a
budget with its decimals, a key no field has) is left to `settings_schema`, which reads it all and
says what is wrong, so a problem is always worded the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui_app.backends.registry import names as backend_names
from tui_app.settings.settings_values import Settings, written_like_keys

# The bounds of `settings_schema.SettingsModel`, which a test holds these to.
INTEGERS: dict[str, tuple[int, int | None]] = {
    "idle_timeout_s": (60, None),
    "frame_rate": (1, 120),
    "max_frame_mib": (1, 1024),
    "max_attachment_kib": (1, 16 * 1024),
}
NUMBERS: dict[str, tuple[float, float]] = {"stall_timeout_s": (1, 3600)}
STRINGS = frozenset({"model", "theme"})
SWITCHES = frozenset({"notifications", "bell"})


def plainly_right(data: Mapping[str, Any]) -> Settings | None:
    """`data` (a parsed `config.toml`) as settings when every value is plainly right; None when
    one is not, for the full check to read."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in INTEGERS:
            low, high = INTEGERS[name]
            if type(value) is not int or value < low or (high is not None and value > high):
                return None
        elif name in NUMBERS:
            low_number, high_number = NUMBERS[name]
            if type(value) not in (int, float) or not low_number <= value <= high_number:  # (NaN is neither)
                return None
            value = float(value)
        elif name in STRINGS or name == "backend":
            if type(value) is not str or (name == "backend" and value not in backend_names()):
                return None
        elif name in SWITCHES:
            if type(value) is not bool:
                return None
        elif name == "keys":
            if not _plain_keys(value):
                return None
            value = dict(value)
        else:
            return None  # the budget (decimals), or a key no setting has
        values[name] = value
    return Settings(**values)


def _plain_keys(value: object) -> bool:
    if type(value) is not dict:
        return False
    try:
        return all(type(k) is str and type(v) is str and written_like_keys(v) == v for k, v in value.items())
    except ValueError:
        return False
