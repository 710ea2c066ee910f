"""One SSE frame decoder for every adapter: what a frame carries, and the rule that a malformed
frame or event is logged and skipped, never fatal (DESIGN.md, "Bad input gets a clear answer").

What stays in each adapter is its protocol: which ids count as new (Case.dev replays by id,
Stewrd has none) and how a decoded frame becomes domain events.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from tui_app.backends.sse_stream import SseMessage
from tui_app.backends.wire_json import loads
from tui_app.core.sanitize import clean_text

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a wire model or a translation raises on data it cannot read: data of the wrong shape
# (a string where an object was expected) is as malformed as a failed validation, and must not
# escape the adapter and leave a turn streaming forever.
MALFORMED = (ValueError, LookupError, TypeError, AttributeError, ValidationError)
# What reading a stream raises when the connection drops under it, or its compressed bytes stop
# decoding (httpx's DecodingError is neither: it escaped every reader as a bug, the turn left running).
STREAM_BROKE = (httpx.TransportError, httpx.StreamError, httpx.DecodingError)


def dropped(error: Exception, stall_after: float | None = None) -> str:
    """Why a stream broke, for a person: the error's type says which way the connection failed;
    a read that timed out is a stream that went silent (`stall_after` seconds: no frame, no
    heartbeat)."""
    if isinstance(error, httpx.ReadTimeout) and stall_after is not None:
        return f"the stream stalled: nothing came for {stall_after:g} s"
    return f"the connection dropped ({type(error).__name__})"


@dataclass(frozen=True, slots=True)
class SseFrame:
    """One frame that carried data."""

    event: str
    """The frame's `event:` field (`message` when it had none)."""
    id: int | None
    """The frame's own `id:` as an integer; None when it had none or not a number."""
    payload: dict[str, Any] | None
    """The data as a JSON object; None when it was not one (already logged)."""

    @property
    def name(self) -> str:
        """The event's name: the `event:` field, or for a plain `message` the payload's `type`
        (both services put the type in the data when they leave the field out)."""
        if self.event != "message" or self.payload is None:
            return self.event
        return str(self.payload.get("type", "message"))


MAX_EVENT_ID = 2**63 - 1
"""The largest id a service's event counter reaches (a signed 64-bit integer)."""
_DIGITS = re.compile(r"[0-9]{1,19}")


class AbsurdId(ValueError):
    """An event id past `MAX_EVENT_ID`: taking it would make every later frame look replayed."""


def read_frame(sse: SseMessage, service: str) -> SseFrame | None:
    """The frame's id and cleaned JSON object, or None for a frame with no data, or with an
    absurd id (logged: it is malformed, and must not move the replay mark).

    A frame whose data is not a JSON object keeps its id, so a caller that tracks ids still
    moves past it, and has no payload.
    """
    if not sse.data:
        return None
    readable, event_id = frame_id(sse, service)
    if not readable:
        return None
    return SseFrame(clean_text(sse.event), event_id, _json_object(sse.data, service))


def frame_id(sse: SseMessage, service: str) -> tuple[bool, int | None]:
    """Whether the frame may be read (one with an absurd id may not: logged), and its id as an
    integer (None when it had none or not a number); its data is not looked at."""
    try:
        return True, _integer_id(sse.id)
    except AbsurdId as error:
        log.warning("skipped a %s frame with an absurd id: %s", service, error)
        return False, None


def _integer_id(raw: str | None) -> int | None:
    """The id as a number; None when absent or not a plain decimal number. Raises `AbsurdId`."""
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    if not _DIGITS.fullmatch(raw) or int(raw) > MAX_EVENT_ID:
        raise AbsurdId(f"{raw[:24]}{'…' if len(raw) > 24 else ''} is past {MAX_EVENT_ID}")
    return int(raw)


def _json_object(data: str, service: str) -> dict[str, Any] | None:
    try:
        payload = loads(data)
    except ValueError as error:
        log.warning("skipped a %s frame that is not JSON: %s", service, error)
        return None
    if not isinstance(payload, dict):
        log.warning("skipped a %s frame whose data is not an object", service)
        return None
    return payload


def translated(translate: Callable[[], T], name: str, service: str) -> T | None:
    """What `translate` makes of one event, or None (logged) if the event is malformed."""
    try:
        return translate()
    except MALFORMED as error:
        log.warning("skipped a malformed %s %s event: %s", service, name, error)
        return None


def decoded(frame: SseFrame | None, translate: Callable[[str, dict[str, Any]], T], service: str) -> T | None:
    """What `translate` makes of a frame's event name and payload; None for a frame without a
    payload (a ping, non-JSON data) or a malformed event (logged)."""
    if frame is None or (payload := frame.payload) is None:
        return None
    name = frame.name
    return translated(lambda: translate(name, payload), name, service)
