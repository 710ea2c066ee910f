"""JSON from the network, read once and made safe: every byte a service sends is data.

`loads` is how every adapter reads a body or a frame: strings come back cleaned
(`core/sanitize.clean_text`: no escape sequences, visible bidi and zero-width markers, no lone
surrogates), and JSON nested deeper than a service ever sends is malformed, not a
RecursionError. `Micros` is how a wire model reads a price.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from pydantic import BeforeValidator

from tui_app.core.sanitize import clean_data

log = logging.getLogger(__name__)

MAX_MICROS = 10**15
"""A billion dollars in micro-dollars (or a quadrillion credits): no real turn costs more, so a
larger figure is a broken or hostile service, not a price."""


def loads(data: str | bytes) -> Any:
    """Decoded, cleaned JSON. Raises ValueError for anything that is not JSON a service would send
    (invalid, or nested too deep)."""
    try:
        return clean_data(json.loads(data))
    except RecursionError:
        raise ValueError("JSON nested too deep") from None


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
