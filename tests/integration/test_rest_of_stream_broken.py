"""A turn's compressed stream whose bytes stop decoding, over real HTTP on 127.0.0.1: after the
turn's last frame (the rest, read and thrown away by `read_rest`) the turn that ended stays a
turn that ended; before it, the stream is one that dropped.

A compressed body whose tail does not decode (a broken or hostile service) made httpx raise a
`DecodingError` (neither a transport nor a stream error) out of the reading of the rest: out of
the turn's stream where its reader read it to the end, and as a task's exception nobody
retrieves (an error in the log, after every turn) where the loop's finalizer closed it; mid-turn,
out of the backend as a bug."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.hostile_client import one_turn
from tests.hostile_server import HostileServer, Reply, Script, text_part, turn
from tests.integration.test_stream_connection_reuse import others_done
from tui_app.backends.errors import BackendError
from tui_app.core.events import PartUpdated, TurnCompleted


def gzipped_then_garbage(frames: tuple[bytes, ...]) -> Iterator[bytes]:
    """The frames as a gzip stream, each flushed so it decodes as it comes, then bytes that are
    no deflate block at all."""
    packer = zlib.compressobj(wbits=31)
    for frame in frames:
        yield packer.compress(frame) + packer.flush(zlib.Z_SYNC_FLUSH)
    yield b"\xff" * 64


async def test_a_compressed_tail_that_does_not_decode_after_the_turn_leaves_the_turn_completed() -> None:
    frames = turn(text_part("done", 2))
    script = Script(respond=Reply(chunks=lambda: gzipped_then_garbage(frames), headers={"content-encoding": "gzip"}))
    unhandled: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: unhandled.append(context))
    try:
        with HostileServer(script) as server:
            events = await one_turn(server)
            await others_done()  # (the stream its reader left is closed in a task of the loop's)
    finally:
        loop.set_exception_handler(None)
    assert [context.get("exception") for context in unhandled] == []
    assert [event.text for event in events if isinstance(event, PartUpdated)] == ["done"]
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"


def gzipped_broken_mid_turn(frames: tuple[bytes, ...]) -> Iterator[bytes]:
    """The turn's first two frames gzipped, then bytes that do not decode, and no turn end."""
    packer = zlib.compressobj(wbits=31)
    for frame in frames[:2]:
        yield packer.compress(frame) + packer.flush(zlib.Z_SYNC_FLUSH)
    yield b"\xff" * 64


async def test_a_compressed_stream_that_stops_decoding_mid_turn_is_a_dropped_stream_not_a_bug() -> None:
    # Read as a dropped connection (resumed, then given up on): a `BackendError` the app shows,
    # where httpx's `DecodingError` escaped as a bug and left the turn running for ever.
    frames = turn(text_part("half", 2))
    script = Script(respond=Reply(chunks=lambda: gzipped_broken_mid_turn(frames), headers={"content-encoding": "gzip"}))
    with HostileServer(script) as server:
        with pytest.raises(BackendError):
            await one_turn(server)
