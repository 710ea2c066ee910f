"""The one SSE frame decoder both adapters use: pings, ids, JSON, and malformed frames skipped
with a log line, never raised. Frames are parsed by the adapters' own reader from raw stream bytes."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from tui_app.backends.sse_frames import SseFrame, decoded, read_frame, translated
from tui_app.backends.sse_stream import SseMessage, sse_messages


def frames_of(stream: bytes) -> list[SseFrame | None]:
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=stream)

    async def read() -> list[SseFrame | None]:
        return [read_frame(sse, "Test") async for sse in sse_messages(response, 2**20, "Test")]

    return asyncio.run(read())


def test_a_ping_is_no_frame() -> None:
    frames = frames_of(b'id: 1\nevent: turn.started\ndata: {"turnId": "t1"}\n\n: ping\n\n')
    assert frames == [SseFrame("turn.started", 1, {"turnId": "t1"})]


def test_an_id_is_read_as_an_integer_and_a_missing_or_odd_id_is_none() -> None:
    frames = frames_of(b'id: 42\ndata: {}\n\ndata: {}\n\nid: seven\ndata: {}\n\n')
    # A frame's id is its own: carried forward (as httpx-sse does), a frame without one would
    # be taken for a replay of the frame before and its text lost.
    assert [f.id for f in frames if f is not None] == [42, None, None]


def test_a_frame_that_is_not_json_keeps_its_id_and_has_no_payload(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    [frame] = frames_of(b"id: 5\nevent: part\ndata: {not json\n\n")
    assert frame == SseFrame("part", 5, None)
    assert "skipped a Test frame that is not JSON" in caplog.text


@pytest.mark.parametrize("data", [b"[1, 2]", b'"text"', b"3", b"null"])
def test_json_that_is_not_an_object_has_no_payload(data: bytes, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    [frame] = frames_of(b"data: " + data + b"\n\n")
    assert frame is not None and frame.payload is None
    assert "skipped a Test frame whose data is not an object" in caplog.text


def test_a_plain_message_is_named_by_its_payloads_type() -> None:
    typed, untyped, named = frames_of(
        b'data: {"type": "token", "text": "hi"}\n\ndata: {"text": "hi"}\n\nevent: done\ndata: {"type": "x"}\n\n'
    )
    assert typed is not None and typed.name == "token"
    assert untyped is not None and untyped.name == "message"
    assert named is not None and named.name == "done"  # the event field wins over the payload's type


def test_a_malformed_frame_has_the_event_name_even_without_payload() -> None:
    assert SseFrame("message", None, None).name == "message"
    assert read_frame(SseMessage("message", ""), "Test") is None


def test_a_translation_that_fails_on_bad_data_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)

    def needs_text() -> str:
        return {"other": 1}["text"]  # type: ignore[return-value]

    assert translated(needs_text, "token", "Test") is None
    assert "skipped a malformed Test token event" in caplog.text
    assert translated(lambda: [1, 2], "token", "Test") == [1, 2]


def test_a_translation_bug_that_is_not_about_data_still_raises() -> None:
    def broken() -> None:
        raise RuntimeError("a bug, not bad data")

    with pytest.raises(RuntimeError):
        translated(broken, "token", "Test")


def test_decoding_a_frame_passes_its_name_and_payload_and_skips_what_has_none(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    token, not_json = frames_of(b'data: {"type": "token", "text": "hi"}\n\nevent: part\ndata: {oops\n\n')

    def to_domain(name: str, payload: dict[str, object]) -> tuple[str, object]:
        return name, payload["text"]

    assert decoded(token, to_domain, "Test") == ("token", "hi")
    assert decoded(not_json, to_domain, "Test") is None
    assert decoded(None, to_domain, "Test") is None  # a ping
    assert decoded(SseFrame("token", None, {"no": "text"}), to_domain, "Test") is None
    assert "skipped a malformed Test token event" in caplog.text
