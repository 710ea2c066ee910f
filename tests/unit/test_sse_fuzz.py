"""Hypothesis against the wire: arbitrary bytes into the SSE reader, and arbitrary JSON under
every event name into both translators. Nothing escapes but the typed `FrameTooLarge`, nothing
held grows past the cap, and every string that comes out is clean."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.hostile_client import strings
from tui_app.backends.casedev_wire import StreamNormalizer, respond_event_to_domain
from tui_app.backends.errors import FrameTooLarge
from tui_app.backends.sse_frames import SseFrame, decoded, read_frame, translated
from tui_app.backends.sse_stream import sse_messages
from tui_app.backends.stewrd_wire import StewrdTurn

CAP = 512
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\ud800-\udfff]")
NAMES = [
    "turn.started", "turn.status", "message.created", "message.part.updated", "message.completed",
    "session.usage", "turn.completed", "question.asked", "question.replied", "question.rejected",
    "session.status", "message.updated", "message.part.delta", "session.idle", "session.error",
    "token", "tool_start", "tool_end", "done", "error", "server.heartbeat",
]
# Fields the services use, so that values land where the translators look.
KEYS = ["turnId", "messageId", "partId", "part", "delta", "status", "message", "error", "usage", "properties",
        "type", "info", "id", "requestID", "questions", "text", "tool", "state", "costMicros", "entries", "summary",
        "messageID", "partID", "field", "finish", "time", "completed", "role", "options", "label", "answers",
        "turnStatus", "content", "tool_name", "credits_this_request"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.sampled_from(["busy", "retry", "text", "tool"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5),
    max_leaves=30,
)
flat = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8)
# `/stream` frames carry OpenCode's `{type, properties}`: the fields sit one level down.
payloads = flat | flat.map(lambda inner: {"properties": inner}) | st.builds(
    lambda inner, kind: {"type": kind, "properties": inner}, flat, st.sampled_from(NAMES)
)


def translate_everywhere(frame: SseFrame | None) -> list[Any]:
    """What each translator makes of a frame; raises whatever escapes them."""
    out: list[Any] = [decoded(frame, respond_event_to_domain, "Fuzz")]
    if frame is not None and frame.payload is not None:
        payload = frame.payload
        out.append(translated(lambda: StreamNormalizer("t1").to_domain(frame.event, payload), frame.event, "Fuzz"))
        out.append(decoded(frame, StewrdTurn.new().to_domain, "Fuzz"))
    return out


async def _chunks(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=700) | st.sampled_from([b"\n", b"\r", b"\r\n", b"data: ", b"id: 9\n", b": p\n\n"]), max_size=30))
def test_arbitrary_bytes_never_escape_the_reader(chunks: list[bytes]) -> None:
    async def read() -> None:
        response = httpx.Response(200, content=_chunks(chunks))
        try:
            async for message in sse_messages(response, CAP, "Fuzz"):
                assert len(message.data) <= CAP
                for event in translate_everywhere(read_frame(message, "Fuzz")):
                    assert not [s for s in strings(event) if UNSAFE.search(s)]
        except FrameTooLarge:
            pass

    asyncio.run(read())


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NAMES), payloads, st.one_of(st.none(), st.integers(min_value=-5, max_value=2**70).map(str)))
def test_arbitrary_json_under_every_event_name_is_an_event_or_skipped(name: str, payload: dict[str, Any], event_id: str | None) -> None:
    data = json.dumps(payload)
    frame = f"{'id: ' + event_id + chr(10) if event_id else ''}event: {name}\ndata: {data}\n\n".encode()

    async def read() -> None:
        response = httpx.Response(200, content=_chunks([frame]))
        async for message in sse_messages(response, 2**20, "Fuzz"):
            parsed = read_frame(message, "Fuzz")
            if parsed is not None and parsed.id is not None:
                assert 0 <= parsed.id < 2**63
            for event in translate_everywhere(parsed):
                assert not [s for s in strings(event) if UNSAFE.search(s)]

    asyncio.run(read())
