"""An error answer's body is read only up to a bound, over real HTTP: a service that sends 100 MB
of error costs the client 64 KiB, and the message says it was cut.

Class covered: bounded resources (error bodies of requests and of streams, and Stewrd's reply
sent whole instead of streamed).
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from tests.hostile_client import backend
from tests.hostile_server import BIDI, KEY, HostileServer, Reply, Script, json_reply
from tui_app.backends.api_key import ApiKey
from tui_app.backends.errors import BackendError, BadRequest, ServerFailed
from tui_app.backends.http_backend import RetryPolicy
from tui_app.backends.response_body import ERROR_BODY_BYTES
from tui_app.backends.stewrd import StewrdBackend
from tui_app.core.events import DomainEvent, TurnCompleted

ATTACK = 100 * 2**20
SIGN = f"[the answer passed {ERROR_BODY_BYTES:,} bytes and was not read further]"


def huge_json_error() -> Iterator[bytes]:
    """`{"error": {"message": "xxxx…` for 100 MB: one 64 KiB object sent again and again, so the
    server holds 64 KiB, not the attack."""
    yield b'{"error": {"code": "boom", "message": "' + BIDI.encode() + b" "
    chunk = b"x" * 65536
    for _ in range(ATTACK // len(chunk)):
        yield chunk
    yield b'"}}'


def huge_text_error() -> Iterator[bytes]:
    chunk = b"upstream exploded " * 4096
    for _ in range(ATTACK // len(chunk)):
        yield chunk


def streamed(status: int, chunks: Callable[[], Iterator[bytes]], content_type: str) -> Reply:
    return Reply(status, chunks=chunks, headers={"content-type": content_type})


async def created(server: HostileServer) -> None:
    client = backend(server)
    try:
        await client.create_session()
    finally:
        await client.aclose()


async def peak_while(run: Callable[[], Awaitable[Any]]) -> tuple[BaseException | None, int]:
    """What `run` raised, and the peak memory traced while it ran."""
    tracemalloc.start()
    try:
        try:
            await run()
        except BaseException as error:  # the assertions want it
            raised: BaseException | None = error
        else:
            raised = None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised, peak


async def test_a_100_mb_error_answer_to_a_request_is_read_64_kib_far_and_says_it_was_cut() -> None:
    script = Script(create=streamed(500, huge_json_error, "application/json"))
    with HostileServer(script) as server:
        client = backend(server)
        try:
            raised, peak = await peak_while(lambda: client.create_session(title="attacked"))
        finally:
            await client.aclose()
    assert isinstance(raised, ServerFailed)
    message = raised.message
    assert message.startswith("Case.dev failed (HTTP 500) ({\"error\": {\"code\": \"boom\", \"message\": \"⟨U+202E⟩evil")
    assert SIGN in message and "…" in message and len(message) < 1_200
    assert peak < 4 * 2**20, f"peak {peak:,} bytes while refusing a {ATTACK:,}-byte error body"


async def test_a_100_mb_error_answer_to_a_stream_is_read_64_kib_far() -> None:
    script = Script(respond=streamed(400, huge_text_error, "text/plain"))
    with HostileServer(script) as server:
        client = backend(server)
        try:
            chat = await client.create_session(title="attacked")

            async def turn() -> list[DomainEvent]:
                return [event async for event in client.send(chat.id, "hi")]

            raised, peak = await peak_while(turn)
        finally:
            await client.aclose()
    assert isinstance(raised, BadRequest)
    assert raised.message.startswith("Case.dev refused the request: upstream exploded upstream exploded")
    assert raised.message.endswith(f"… {SIGN}.")
    assert peak < 4 * 2**20, f"peak {peak:,} bytes while refusing a {ATTACK:,}-byte error body"


async def test_a_long_message_in_a_small_error_body_is_shortened_with_a_sign() -> None:
    with HostileServer(Script(create=json_reply({"message": "why " * 5_000}, 400))) as server:
        with pytest.raises(BadRequest) as raised:
            await created(server)
    assert raised.value.message == f"Case.dev refused the request: {('why ' * 250)[:1_000]}…."
    assert "not read further" not in raised.value.message  # read whole: it was under the bound


async def test_an_error_body_just_under_the_bound_is_read_whole() -> None:
    padding = "p" * (ERROR_BODY_BYTES - 200)
    body = json.dumps({"error": {"message": "the real reason", "code": "c", "padding": padding}}).encode()
    assert len(body) < ERROR_BODY_BYTES
    with HostileServer(Script(create=Reply(503, body))) as server, pytest.raises(ServerFailed) as raised:
        await created(server)
    assert raised.value.message == "Case.dev failed (HTTP 503) (the real reason). Try again in a moment."
    assert raised.value.code == "c"


async def test_a_stewrd_reply_sent_whole_past_the_frame_bound_ends_the_turn_without_holding_it() -> None:
    """A server that ignores `stream: true` answers with one JSON message: of any size."""

    def huge_reply() -> Iterator[bytes]:
        yield b'{"id": "msg_1", "message": "'
        chunk = b"y" * 65536
        for _ in range(ATTACK // len(chunk)):
            yield chunk
        yield b'"}'

    script = Script(stewrd_message=streamed(200, huge_reply, "application/json"))
    bound = RetryPolicy(reconnect_attempts=1, request_retries=0, max_frame_bytes=2**20)
    with HostileServer(script) as server:
        client = StewrdBackend(server.base_url, ApiKey(KEY), retry=bound)
        events: list[DomainEvent] = []
        try:
            session = await client.create_session()

            async def turn() -> None:
                async for event in client.send(session.id, "hi"):
                    events.append(event)

            raised, peak = await peak_while(turn)
        finally:
            await client.aclose()
    assert isinstance(raised, BackendError) and "larger than 1,048,576 bytes" in raised.message
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "failed"
    assert peak < 8 * 2**20, f"peak {peak:,} bytes while refusing a {ATTACK:,}-byte reply"

