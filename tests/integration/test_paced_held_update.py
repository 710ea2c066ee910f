"""A paced stream holds back the latest update of a part (superseded_parts.py): the feed position
the app stores never passes it, and a stream closed while it holds one (the app quits mid-turn)
leaves the position before it, so following the chat again brings it back: over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from tests.hostile_server import KEY, HostileServer, Reply, STALL, Script, sse
from tui_app.backends.api_key import ApiKey
from tui_app.backends.casedev import CasedevBackend
from tui_app.core.events import TurnStarted


def update(text: str, event_id: int, typed: bool) -> bytes:
    """A text part's update as the service writes it (`typed`: its type first, the shape the
    client knows by its first bytes) or with the type left out (decoded as it comes)."""
    body: dict[str, Any] = {"type": "message.part.updated"} if typed else {}
    body |= {"turnId": "t1", "messageId": "m1", "partId": "p1", "part": {"id": "p1", "type": "text", "text": text}}
    return sse("message.part.updated", body, event_id)


@pytest.mark.parametrize("typed", [True, False])
async def test_the_position_stays_before_an_update_held_back_even_when_the_stream_is_closed(typed: bool) -> None:
    frames = [sse("turn.started", {"turnId": "t1"}, 1), update("a", 2, typed), update("ab", 3, typed), STALL]
    with HostileServer(Script(respond=Reply(chunks=lambda: iter(frames)))) as server:
        backend = CasedevBackend(server.base_url, ApiKey(KEY))
        try:
            chat = (await backend.create_session("Away")).id
            backend.pace_reads(chat, 0.2)
            events = backend.send(chat, "hello")
            assert isinstance(await anext(events), TurnStarted)
            waiting = asyncio.ensure_future(anext(events))
            await asyncio.sleep(1.0)  # "a" and "ab" read, "ab" held back; the stream silent
            assert not waiting.done()
            assert backend.last_event_id(chat) == 1  # what is stored with the events applied
            waiting.cancel()  # the app quits mid-turn
            with contextlib.suppress(asyncio.CancelledError):
                await waiting
            await events.aclose()
            assert backend.last_event_id(chat) == 1  # following again starts at the held update
        finally:
            await backend.aclose()
