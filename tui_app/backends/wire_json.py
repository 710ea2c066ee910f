"""JSON from the network, read once and made safe: every byte a service sends is data.

`loads` is how every adapter reads a body or a frame: strings come back cleaned
(`core/sanitize.clean_text`: no escape sequences, visible bidi and zero-width markers, no lone
surrogates), and JSON nested deeper than a service ever sends is malformed, not a
RecursionError. `Micros` is how a wire model reads a price.

Read with msgspec (about three times as fast as the standard library on these frames); anything
it refuses is read again by the standard library, so what counts as JSON, and each error, is the
same as ever. A long string beside an `id` (a part's text so far, sent whole with every token) is
cleaned by `GrowingCleaner`, which cleans only what it gained since the last frame.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Annotated, Any

import msgspec
from pydantic import BeforeValidator

from tui_app.core.growing_clean import GrowingCleaner
from tui_app.core.sanitize import MAX_DEPTH, TooDeep, clean_text

log = logging.getLogger(__name__)

MAX_MICROS = 10**15
"""A billion dollars in micro-dollars (or a quadrillion credits): no real turn costs more, so a
larger figure is a broken or hostile service, not a price."""


LONG_TEXT = 256
"""A string this long beside an `id` is cleaned through `GROWING` (shorter ones cost less to clean
whole than to look up)."""
GROWING = GrowingCleaner(capacity=64)
"""The last version of the texts being streamed (ten sessions' parts fit many times over)."""
_decode = msgspec.json.Decoder().decode
QUICK_CHECK = 4096
"""Up to this length a frame is first checked whole: if nothing in it can decode to a character
`clean_text` changes, no string in it is looked at one by one (most frames of a turn)."""
# The JSON escapes that make such a character (and a few that do not, such as tab): C0 and C1
# controls, the invisible characters, any surrogate. Any other character needing cleaning is
# sent as itself, which a frame of printable ASCII does not hold.
_DIRTY_ESCAPE = re.compile(
    r"\\(?:[bfr]|u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|061[cC]|200[bBeEfF]|202[a-eA-E]|206[0-46-9]"
    r"|[fF][eE][fF][fF]|[dD][89a-fA-F][0-9a-fA-F]{2}))"
)


def loads(data: str | bytes) -> Any:
    """Decoded, cleaned JSON. Raises ValueError for anything that is not JSON a service would send
    (invalid, or nested too deep)."""
    try:
        try:
            value = _decode(data)
        except msgspec.DecodeError:
            value = json.loads(data)  # NaN, a lone surrogate, another encoding: as before, or its error
        if isinstance(data, str) and len(data) <= QUICK_CHECK and _clean_as_sent(data):
            return value
        return _cleaned(value, 0)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None


def _clean_as_sent(data: str) -> bool:
    """Whether every string `data` decodes to is clean already, and it cannot nest too deep."""
    return (
        data.isascii()
        and data.isprintable()
        and _DIRTY_ESCAPE.search(data) is None
        and data.count("[") + data.count("{") <= MAX_DEPTH
    )


def _clean(text: str) -> str:
    # Printable ASCII needs nothing: two scans in C instead of a regular expression.
    return text if text.isascii() and text.isprintable() else clean_text(text)


def _cleaned(value: Any, depth: int) -> Any:
    """`sanitize.clean_data`, with a part's growing text cleaned incrementally. Raises `TooDeep`."""
    if isinstance(value, str):
        return _clean(value)
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        return [_cleaned(item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    ident = value.get("id")
    cleaned = {}
    for key, item in value.items():
        if type(item) is str:
            if len(item) >= LONG_TEXT and type(ident) is str:
                item = GROWING.clean((ident, key), item)
            else:
                item = _clean(item)
        elif isinstance(item, dict | list):
            item = _cleaned(item, depth + 1)
        cleaned[_clean(key)] = item
    return cleaned


def micros(value: object) -> int | None:
    """A price as the service reported it, or None (unknown) when it is not one: not an integer
    (a string, a float, a bool), negative, or absurd. Never guessed, never shown as money."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MICROS:
        if value is not None:
            log.warning("a reported cost was not a price (%.40r); it counts as unknown", value)
        return None
    return value


Micros = Annotated[int | None, BeforeValidator(micros)]
"""A wire field holding a price: an unusable value reads as unknown instead of failing the event."""
