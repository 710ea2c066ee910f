"""The one reader of request bodies for every route of the embedded server.

A body is read at most `max_body_bytes` far (413 past it, before reading when Content-Length
says so already) and within `request_timeout_seconds` (408: a client that stops half-way
holds no handler forever). It must be a JSON object nested no deeper than `MAX_DEPTH`: the C
decoder recurses once per level, so a body nested thousands deep would end in a
RecursionError (a 500) rather than an answer. Strings come back valid Unicode: a lone
surrogate (`"\\ud800"`) is replaced, or it would fail later, when the text is encoded for the
store or a response. Each surface turns a `BodyRefused` into its own error shape.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request

from tui_app.server.options import ServerOptions

MAX_DEPTH = 32
"""Deeper than any body either API defines (the deepest, a tool's JSON schema, is a few levels)."""

# A JSON string (escapes included) or one bracket: enough to follow nesting and object keys.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class BodyRefused(Exception):
    """A body this server will not read; `field` is the top-level field at fault, if one is."""

    status: int
    message: str
    field: str | None = None


def too_long(name: str, limit: int) -> BodyRefused:
    return BodyRefused(400, f"Field '{name}' must be at most {limit:,} characters", name)


async def read_json_object(request: Request, options: ServerOptions) -> dict[str, Any]:
    """The request's body as a JSON object ({} when empty). Raises `BodyRefused`."""
    raw = await _read_bounded(request, options.max_body_bytes, options.request_timeout_seconds)
    if not raw.strip():
        return {}
    _check_depth(raw)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: only past the check, which cannot be
        raise BodyRefused(400, "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BodyRefused(400, "The request body must be a JSON object")
    return _valid_unicode(body)


async def _read_bounded(request: Request, limit: int, timeout: float) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise BodyRefused(408, f"The request body did not arrive within {timeout:g} s") from None
    except ClientDisconnect:
        raise BodyRefused(400, "The client went away before the request body was complete") from None
    return b"".join(chunks)


def _too_large(limit: int) -> BodyRefused:
    return BodyRefused(413, f"The request body is larger than this server accepts ({limit:,} bytes)")


def _check_depth(raw: bytes) -> None:
    # Nesting needs a bracket per level: a body with few brackets cannot be deep (most bodies).
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return
    depth = 0
    last_top_string: bytes | None = None
    top_field: bytes | None = None
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token[0] == 0x22:  # a string: at depth 1 the last one before a bracket is its key
            if depth == 1:
                last_top_string = token
            continue
        if token in (b"[", b"{"):
            if depth == 1:
                top_field = last_top_string
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(top_field)
        else:
            depth -= 1


def _too_deep(field: bytes | None) -> BodyRefused:
    if field is None:
        return BodyRefused(400, f"The request body is nested more than {MAX_DEPTH} levels deep")
    try:
        name = json.loads(field)
    except ValueError:
        name = field.decode("utf-8", "replace")
    name = _LONE_SURROGATE.sub("\ufffd", str(name))[:100]
    return BodyRefused(400, f"Field '{name}' is nested more than {MAX_DEPTH} levels deep", name)


def _valid_unicode(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    return value
