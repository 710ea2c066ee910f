"""Reading an answer's body with a bound: a service (or anything posing as one) may send an error
body of any size, and only its start is worth reading."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the type alone: the first screen is painted without httpx)
    import httpx

ERROR_BODY_BYTES = 64 * 1024
"""How much of an error answer is read: a message and a code fit many times over."""


async def read_at_most(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """The first `limit` bytes of `response`'s (decoded) body, and whether it had more. What
    follows is never read: closing the response drops the connection instead."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        room = limit - len(body)
        body += chunk[:room]
        if len(chunk) > room:
            return bytes(body), True
    return bytes(body), False
