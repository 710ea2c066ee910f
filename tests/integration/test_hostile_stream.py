"""The Case.dev adapter attacked through the stream itself, over real HTTP: bounded memory, event
ids that cannot poison de-duplication, prices that are not prices.

Classes covered here: bounded resources (a line with no newline, a frame of many lines), event
ids (absurd, missing), money (negative, a string, absurd) in usage, entries, tool calls and ends.
"""

from __future__ import annotations

import logging
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from tests.hostile_server import HostileServer, Reply, Script, json_reply, sse, stream_of, text_part, turn
from tests.hostile_client import backend, one_turn
from tui_app.backends.errors import FrameTooLarge
from tui_app.backends.http_backend import RetryPolicy
from tui_app.core.cost import format_cost, turn_cost
from tui_app.core.events import PartUpdated, TurnCompleted, UsageReported
from tui_app.core.usage_ledger import UsageLedger

CAP = 2**20
BOUNDED = RetryPolicy(reconnect_attempts=2, reconnect_base_delay=0.001, request_retries=0, max_frame_bytes=CAP)
ATTACK = 20 * 2**20


def endless_line() -> Iterator[bytes]:
    """A turn that starts, then 20 MB of one line with no newline, then (never reached) a turn end."""
    yield sse("turn.started", {"turnId": "t1"}, 1)
    yield b'data: {"turnId": "t1", "text": "'
    chunk = b"x" * 65536  # one object written again and again: the server holds 64 KiB, not 20 MB
    for _ in range(ATTACK // len(chunk)):
        yield chunk
    yield b'"}\n\n' + sse("turn.completed", {"turnId": "t1", "status": "completed"}, 3)


def many_lines() -> Iterator[bytes]:
    """A frame of 20 MB in short `data:` lines that never ends with a blank line."""
    yield sse("turn.started", {"turnId": "t1"}, 1)
    line = b"data: " + b"y" * 1000 + b"\n"
    for _ in range(ATTACK // len(line)):
        yield line


@pytest.mark.parametrize("attack", [endless_line, many_lines])
async def test_a_frame_past_the_cap_cuts_the_stream_with_a_typed_error_and_memory_stays_flat(attack: Any) -> None:
    with HostileServer(Script(respond=Reply(chunks=attack))) as server:
        client = backend(server, BOUNDED)
        try:
            chat = await client.create_session()
            seen = []
            tracemalloc.start()
            try:
                with pytest.raises(FrameTooLarge) as raised:
                    async for event in client.send(chat.id, "hi"):
                        seen.append(event)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        finally:
            await client.aclose()
    assert [type(event).__name__ for event in seen] == ["TurnStarted"]
    assert f"larger than {CAP:,} bytes" in raised.value.message
    # Flat: a few times the cap, against the 20 MB (and 3x that) the attack used to cost.
    assert peak < 4 * CAP, f"peak {peak:,} bytes while reading a {ATTACK:,}-byte attack"


async def test_an_absurd_event_id_is_skipped_and_later_frames_are_not_taken_for_replays(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    frames = turn(text_part("poison", 10**40), text_part("hello", 3), first_id=1)
    with HostileServer(Script(respond=stream_of(*frames))) as server:
        client = backend(server)
        try:
            chat = await client.create_session()
            events = [event async for event in client.send(chat.id, "hi")]
            last_id = client.last_event_id(chat.id)
        finally:
            await client.aclose()
        calls = server.script.calls
    assert [e.text for e in events if isinstance(e, PartUpdated)] == ["hello"]
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
    assert last_id == 4 and "stream" not in calls  # no reconnect: nothing was lost
    assert "skipped a Case.dev frame with an absurd id" in caplog.text


async def test_a_frame_without_an_id_is_not_a_duplicate_of_the_one_before() -> None:
    frames = turn(text_part("hello", 2), text_part("hello world", None), first_id=1)
    with HostileServer(Script(respond=stream_of(*frames))) as server:
        events = await one_turn(server)
    assert [e.text for e in events if isinstance(e, PartUpdated)] == ["hello", "hello world"]


NOT_PRICES = [-5, "12", 10**30, 1.5, True]


def usage_turn(usage: dict[str, Any]) -> Reply:
    return stream_of(*turn(sse("session.usage", {"turnId": "t1", "usage": usage}, 2)))


@pytest.mark.parametrize("price", NOT_PRICES)
@pytest.mark.parametrize("where", ["costMicros", "summary", "entry"])
async def test_a_price_that_is_not_one_is_unknown_never_money(
    price: Any, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    usage: dict[str, Any] = {"model": "m", "inputTokens": 3, "outputTokens": 4}
    if where == "costMicros":
        usage["costMicros"] = price
    elif where == "summary":
        usage["summary"] = {"costMicros": price}
    else:
        usage["entries"] = [{"id": "e1", "kind": "llm", "costMicros": 7}, {"id": "e2", "kind": "api", "costMicros": price}]
    with HostileServer(Script(respond=usage_turn(usage))) as server:
        events = await one_turn(server)
    [reported] = [e.usage for e in events if isinstance(e, UsageReported)]
    assert reported.total_cost_micros is None and reported.llm_cost_micros is None
    assert reported.output_tokens == 4  # the rest of the report is kept
    if where == "entry":
        assert [entry.cost_micros for entry in reported.entries] == [7, None]
    ledger = UsageLedger().record("s1", "t1", reported, "micros").record_end("s1", "t1", "micros")
    cost = turn_cost(ledger, "s1", "t1")
    assert cost is not None and cost.exact is None and format_cost(cost) == "unknown"
    assert "a reported cost was not a price" in caplog.text


@pytest.mark.parametrize("price", NOT_PRICES)
async def test_a_tool_call_or_an_ended_chat_with_a_price_that_is_not_one_is_unknown(price: Any) -> None:
    tool = {"id": "p9", "type": "tool", "tool": "bash", "state": {"status": "completed", "costMicros": price}}
    frames = turn(sse("message.part.updated", {"turnId": "t1", "messageId": "m1", "partId": "p9", "part": tool}, 2))
    script = Script(respond=stream_of(*frames), end=json_reply({"id": "chat_h", "costMicros": price, "cost": str(price)}))
    with HostileServer(script) as server:
        client = backend(server)
        try:
            chat = await client.create_session()
            events = [event async for event in client.send(chat.id, "hi")]
            ended = await client.end(chat.id)
        finally:
            await client.aclose()
    [call] = [e.tool for e in events if isinstance(e, PartUpdated) and e.tool is not None]
    assert call.cost_micros is None
    assert ended.cost is None
