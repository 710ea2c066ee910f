"""The one reader of `text/event-stream` bytes, with a bound on what one line or frame may hold.

Ours rather than httpx-sse's because of two things a hostile or broken server exploits: a line
with no newline grows the reader without limit (here: cut at `max_frame_bytes` with
`FrameTooLarge`, memory stays flat), and an `id:` carried forward to frames that name none makes
such a frame look like a replay of the one before (here: a frame's id is only its own).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx

from tui_app.backends.errors import FrameTooLarge

WAITED = 0.002
"""Seconds after which a chunk is taken to have come from the socket, not from what httpx had
already read: only such a chunk starts a pause (the chunks behind it are read at once)."""

@dataclass(frozen=True, slots=True)
class SseMessage:
    """One dispatched frame, as the SSE fields said it."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    """The frame's own `id:` field; None when it had none."""


BATCH_END = SseMessage("batch end")
"""Yielded by a paced stream before it pauses: the frames before it were one read's. It has no
data, so whoever does not look for it skips it as any frame without data."""


def too_large(service: str, limit: int) -> FrameTooLarge:
    return FrameTooLarge(
        f"{service} sent a stream frame larger than {limit:,} bytes, so the stream was cut. "
        "Raise `max_frame_bytes` if the service really sends such frames."
    )


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def body_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's bytes as they come. Raw when the service sent them as they are (what a stream
    is): each chunk, a frame as the services send them, then skips httpx's decoder and chunker;
    decoded when the service compressed them (gzip, deflate, brotli, zstd), and from memory when
    the body was read already (a response made whole)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity") and not response.is_stream_consumed:
        return response.aiter_raw()
    return response.aiter_bytes()


async def sse_messages(
    response: httpx.Response,
    max_frame_bytes: int,
    service: str,
    pause: Callable[[], float] | None = None,
    chunks: AsyncIterator[bytes] | None = None,
) -> AsyncIterator[SseMessage]:
    """The frames of `response`'s body. Raises `FrameTooLarge` once a line, or the data of one
    frame, passes `max_frame_bytes`; nothing larger is ever held.

    Read as bytes, line by line: every line end (CRLF, CR, LF) is made a LF first, and only a
    field's value is decoded (a frame of a streamed reply is mostly its data line).

    `pause()`, asked after each chunk that had to be waited for, is how long to leave the socket
    alone before the next read (0: read on at once). A service streams a frame per token; a
    session off screen is read a few times a second instead, each read taking what came
    meanwhile: one wake-up of the loop, socket and HTTP parser for a dozen frames, not each.
    `BATCH_END` comes before each such pause: what came before it was one read's frames.

    `chunks` is `body_chunks(response)` unless given (by a caller that reads what is left of
    the body itself once it stops asking for frames)."""
    buffer = b""
    carried_cr = False  # a chunk ended with CR: maybe the first half of a CRLF
    event, data, size, event_id = b"", [], 0, None
    asked = time.monotonic()
    async for chunk in body_chunks(response) if chunks is None else chunks:
        if pause is not None and time.monotonic() - asked > WAITED and (seconds := pause()) > 0:
            yield BATCH_END
            await asyncio.sleep(seconds)  # (the chunk in hand waits too: its frames go with the next)
        if carried_cr:
            chunk, carried_cr = b"\r" + chunk, False
        if b"\r" in chunk:
            if chunk.endswith(b"\r"):
                chunk, carried_cr = chunk[:-1], True
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        buffer += chunk
        start = 0
        while (end := buffer.find(b"\n", start)) >= 0:
            line = buffer[start:end]
            start = end + 1
            if not line:
                if data:
                    yield SseMessage(_text(event) if event else "message", "\n".join(data), event_id)
                event, data, size, event_id = b"", [], 0, None
                continue
            if line[0] == 0x3A:
                continue  # a comment: the services' pings
            name, _, value = line.partition(b":")
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                text = _text(value)
                data.append(text)
                size += len(text)
                if size > max_frame_bytes:
                    raise too_large(service, max_frame_bytes)
            elif name == b"event":
                event = value
            elif name == b"id" and b"\0" not in value:
                event_id = _text(value)
        buffer = buffer[start:]
        if len(buffer) > max_frame_bytes:
            raise too_large(service, max_frame_bytes)
        asked = time.monotonic()
    if carried_cr and buffer == b"" and data:
        yield SseMessage(_text(event) if event else "message", "\n".join(data), event_id)
    # A frame not ended by a blank line when the stream closes is dropped, as the SSE spec says.
