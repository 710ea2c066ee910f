"""uvicorn's h11 protocol with a deadline for each request's head.

uvicorn arms its keep-alive timer only after a response, and disarms it on the first byte of
the next request: a connection that sends nothing, or half a request line or half its
headers (slowloris), is kept open for ever. Here every connection must deliver a complete
request head within `head_seconds` of opening, and again after each response; past it the
connection is closed. A body is bounded separately, by the body reader (request_body.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class _HeadDeadlineProtocol(H11Protocol):
    head_seconds: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is complete: the request is on its way
            self._disarm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Waiting for the next request on a kept-alive connection: its head has the same bound.
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.head_seconds, self._head_too_late)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_late(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def head_deadline_protocol(seconds: float) -> type[H11Protocol]:
    """The protocol class for `uvicorn.Config(http=...)`, closing connections whose request head
    takes longer than `seconds` to arrive."""
    return type("HeadDeadlineProtocol", (_HeadDeadlineProtocol,), {"head_seconds": seconds})
