"""Typed backend errors, and the one place that turns an HTTP answer into one of them.

Every message is written for the person at the keyboard: what happened and what to do next.
A message never contains the API key or the request's headers, and is cleaned once, here
(`clean_text`): a server's words reach a terminal or a notification as text, never as control.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui_app.core.sanitize import clean_text


class BackendError(Exception):
    """Something a backend refused or could not do."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        message = clean_text(message)
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class ConnectionFailed(BackendError):
    pass


class AuthFailed(BackendError):
    pass


class NotFound(BackendError):
    pass


class SessionExpired(BackendError):
    pass


class BadRequest(BackendError):
    pass


class RateLimited(BackendError):
    def __init__(self, message: str, status: int, code: str | None, retry_after: float | None) -> None:
        super().__init__(message, status, code)
        self.retry_after = retry_after


class TurnConflict(BackendError):
    def __init__(self, message: str, code: str | None, retry_after: float | None, active_turn_id: str | None) -> None:
        super().__init__(message, 409, code)
        self.retry_after = retry_after
        self.active_turn_id = active_turn_id


class ServerFailed(BackendError):
    pass


class OutOfCredits(BackendError):
    """The account has too few credits for the request (Stewrd's 402 `insufficient_credits`)."""


def _server_message(body: bytes) -> tuple[str | None, str | None]:
    """The server's own message and code, from either error shape the services use."""
    from tui_app.backends.wire_json import loads  # (msgspec, pydantic: not before the first paint)

    try:
        data = loads(body)
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    error = data.get("error")
    if isinstance(error, dict):
        return _str(error.get("message")), _str(error.get("code"))
    return _str(data.get("message") or data.get("statusMessage")), _str(data.get("code"))


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return clean_text(value) if value is not None else None


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


SHOWN_CHARS = 1_000
"""The most of a service's own words a message quotes: a notification, not a document."""


def _said(body: bytes, cut_at: int | None) -> tuple[str | None, str | None]:
    """The server's message (shortened, with a sign of what was left out) and code."""
    said, code = _server_message(body)
    if said is None and cut_at is not None:
        # A body cut short is no JSON any more: its start is the best account of it.
        said = body[: SHOWN_CHARS * 4].decode("utf-8", errors="replace").strip() or None
    if said is not None and len(said) > SHOWN_CHARS:
        said = said[:SHOWN_CHARS] + "…"
    if cut_at is not None:
        sign = f"[the answer passed {cut_at:,} bytes and was not read further]"
        said = f"{said} {sign}" if said else sign
    return said, code


def error_from_response(
    service: str, status: int, body: bytes, headers: Mapping[str, str], cut_at: int | None = None
) -> BackendError:
    """Map an HTTP error answer from `service` to a typed error with an actionable message.
    `cut_at`: the body is only the first so many bytes of a longer one (`response_body.py`)."""
    said, code = _said(body, cut_at)
    detail = f" ({said})" if said else ""
    retry_after = _seconds(headers.get("retry-after"))
    if status == 401:
        return AuthFailed(f"{service} rejected the API key{detail}. Check the key you set.", status, code)
    if status == 402:
        return OutOfCredits(f"Out of credits on {service}{detail}. Buy credits, then try again.", status, code)
    if status == 403:
        return AuthFailed(f"{service} refused this action{detail}. The key may lack a needed scope.", status, code)
    if status == 404:
        return NotFound(f"{service} does not know this session{detail}.", status, code)
    if status == 409:
        wait = f" Retrying is possible in {retry_after:g} s." if retry_after is not None else ""
        return TurnConflict(
            f"A turn is already running in this session.{wait}", code, retry_after, _header(headers, "x-active-turn-id")
        )
    if status == 410:
        return SessionExpired(f"This session has ended or expired on {service}{detail}. Start a new one.", status, code)
    if status == 429:
        wait = f" Try again in {retry_after:g} s." if retry_after is not None else " Try again shortly."
        return RateLimited(f"{service} limit reached{detail}.{wait}", status, code, retry_after)
    if 400 <= status < 500:
        return BadRequest(f"{service} refused the request: {said or f'HTTP {status}'}.", status, code)
    return ServerFailed(f"{service} failed (HTTP {status}){detail}. Try again in a moment.", status, code)


class FrameTooLarge(BackendError):
    """A stream sent a line or frame past the configured bound; the stream was cut."""
