"""The one reader of `text/event-stream` bytes, with a bound on what one line or frame may hold.

Ours rather than httpx-sse's because of two things a hostile or broken server exploits: a line
with no newline grows the reader without limit (here: cut at `max_frame_bytes` with
`FrameTooLarge`, memory stays flat), and an `id:` carried forward to frames that name none makes
such a frame look like a replay of the one before (here: a frame's id is only its own).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from tui_app.backends.errors import FrameTooLarge

_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SseMessage:
    """One dispatched frame, as the SSE fields said it."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    """The frame's own `id:` field; None when it had none."""


class _Frame:
    """The fields of the frame being read."""

    def __init__(self) -> None:
        self.event = ""
        self.data: list[str] = []
        self.size = 0
        self.id: str | None = None

    def take(self, line: str) -> None:
        if line.startswith(":"):
            return  # a comment: the services' pings
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self.data.append(value)
            self.size += len(value)
        elif name == "event":
            self.event = value
        elif name == "id" and "\0" not in value:
            self.id = value

    def message(self) -> SseMessage | None:
        if not self.data:
            return None
        return SseMessage(self.event or "message", "\n".join(self.data), self.id)


def too_large(service: str, limit: int) -> FrameTooLarge:
    return FrameTooLarge(
        f"{service} sent a stream frame larger than {limit:,} bytes, so the stream was cut. "
        "Raise `max_frame_bytes` if the service really sends such frames."
    )


async def sse_messages(response: httpx.Response, max_frame_bytes: int, service: str) -> AsyncIterator[SseMessage]:
    """The frames of `response`'s body. Raises `FrameTooLarge` once a line, or the data of one
    frame, passes `max_frame_bytes`; nothing larger is ever held."""
    buffer = bytearray()
    frame = _Frame()
    async for chunk in response.aiter_bytes():
        buffer += chunk
        start = 0
        while (end := _LINE_END.search(buffer, start)) is not None:
            if end.group() == b"\r" and end.end() == len(buffer):
                break  # maybe the first half of a \r\n: wait for the next chunk
            line = buffer[start : end.start()].decode("utf-8", errors="replace")
            start = end.end()
            if line:
                frame.take(line)
                if frame.size > max_frame_bytes:
                    raise too_large(service, max_frame_bytes)
                continue
            if (message := frame.message()) is not None:
                yield message
            frame = _Frame()
        del buffer[:start]
        if len(buffer) > max_frame_bytes:
            raise too_large(service, max_frame_bytes)
    if buffer == b"\r" and (message := frame.message()) is not None:
        yield message  # the stream's last blank line, ended by a lone carriage return
    # A frame not ended by a blank line when the stream closes is dropped, as the SSE spec says.
