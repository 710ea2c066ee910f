"""The Case.dev adapter attacked by a hostile service over real HTTP: every byte it sends is data.

Class covered here: network text is cleaned once at the wire (error bodies, every string of every
event), JSON nested thousands deep and lone surrogates are malformed or replaced, not fatal.
"""

from __future__ import annotations

import logging

import pytest

from tests.hostile_client import FAST, UNSAFE, one_turn, strings
from tests.hostile_server import (
    BIDI,
    C1_CSI,
    CLEAR,
    HOSTILE,
    OSC_TITLE,
    KEY,
    LONE_SURROGATE,
    HostileServer,
    Reply,
    Script,
    json_reply,
    nested,
    sse,
    stream_of,
    text_part,
    turn,
)
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.stewrd import StewrdBackend
from tui_app.backends.errors import BackendError
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.core.events import PartUpdated, QuestionAsked, TurnCompleted, UsageReported

def hostile_turn() -> tuple[bytes, ...]:
    question = {"question": HOSTILE, "header": HOSTILE, "options": [{"label": HOSTILE, "description": HOSTILE}]}
    tool_state = {"status": "error", "input": {HOSTILE: HOSTILE}, "error": HOSTILE, "title": HOSTILE}
    usage = {"model": HOSTILE, "costMicros": 5, "entries": [{"id": HOSTILE, "model": HOSTILE, "service": HOSTILE, "costMicros": 5}]}
    return turn(
        sse("turn.status", {"turnId": "t1", "status": HOSTILE, "message": HOSTILE}, 2),
        sse("message.created", {"turnId": "t1", "messageId": HOSTILE}, 3),
        text_part(HOSTILE, 4),
        sse("message.part.updated", {"turnId": "t1", "messageId": "m1", "partId": "p2",
                                     "part": {"id": "p2", "type": "tool", "tool": HOSTILE, "state": tool_state}}, 5),
        sse("question.asked", {"turnId": "t1", "requestID": HOSTILE, "questions": [question]}, 6),
        sse("session.usage", {"turnId": "t1", "usage": usage}, 7),
        sse(HOSTILE.replace("\n", ""), {"turnId": "t1", HOSTILE: HOSTILE}, 8),
        status="failed",
        error={"message": HOSTILE},
    )


async def test_every_string_of_every_event_arrives_as_text_with_visible_markers() -> None:
    with HostileServer(Script(respond=stream_of(*hostile_turn()))) as server:
        events = await one_turn(server)
    kinds = {type(event).__name__ for event in events}
    assert {"TurnStatusChanged", "MessageCreated", "PartUpdated", "QuestionAsked", "UsageReported", "TurnCompleted"} <= kinds
    found = [text for event in events for text in strings(event)]
    assert not [text for text in found if UNSAFE.search(text)]
    [text] = [e.text for e in events if isinstance(e, PartUpdated) and e.kind == "text"]
    # Shown, not obeyed: bidi and zero-width characters as markers, markup as the characters it is.
    assert text is not None and "⟨U+202E⟩evil⟨U+202C⟩" in text and "a⟨U+200B⟩b" in text and "⟨U+009B⟩31m" in text
    assert "[/x] [@click=app.quit]" in text and "pwned" not in text and "http://evil" not in text
    [tool] = [e.tool for e in events if isinstance(e, PartUpdated) and e.tool is not None]
    assert tool.name.startswith("click⟨U+009B⟩31m [/x]") and tool.error and "⟨U+202E⟩" in tool.error
    [asked] = [e for e in events if isinstance(e, QuestionAsked)]
    assert "⟨U+202E⟩evil" in asked.questions[0].question
    [usage] = [e.usage for e in events if isinstance(e, UsageReported)]
    assert usage.model and "⟨U+202E⟩" in usage.model
    assert isinstance(events[-1], TurnCompleted) and events[-1].error and "⟨U+202E⟩evil" in events[-1].error


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 410, 429, 500])
@pytest.mark.parametrize("shape", ["nested", "flat"])
async def test_an_error_body_becomes_a_message_without_control(status: int, shape: str) -> None:
    body = {"error": {"message": HOSTILE, "code": HOSTILE}} if shape == "nested" else {"message": HOSTILE, "code": "x"}
    reply = json_reply(body, status)
    # Headers are Latin-1 on the wire: the terminal attacks fit, the bidi ones do not.
    reply.headers = {"x-active-turn-id": OSC_TITLE + CLEAR + C1_CSI, "retry-after": "1"}
    with HostileServer(Script(create=reply)) as server, pytest.raises(BackendError) as raised:
        await one_turn(server)
    error = raised.value
    assert not UNSAFE.search(error.message) and not UNSAFE.search(str(error))
    assert error.code is None or not UNSAFE.search(error.code)
    assert not UNSAFE.search(str(getattr(error, "active_turn_id", "") or ""))
    if status != 409:  # a conflict's message is ours alone
        assert "⟨U+202E⟩evil" in error.message and "[/x]" in error.message


async def test_an_error_body_nested_thousands_deep_is_no_message_and_no_crash() -> None:
    with HostileServer(Script(create=Reply(500, nested(5000)))) as server, pytest.raises(BackendError) as raised:
        await one_turn(server)
    assert "HTTP 500" in raised.value.message


async def test_a_frame_nested_thousands_deep_is_skipped_and_the_turn_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    frames = turn(sse("message.part.updated", nested(5000), 2), text_part("after", 3))
    with HostileServer(Script(respond=stream_of(*frames))) as server:
        events = await one_turn(server)
    assert [e.text for e in events if isinstance(e, PartUpdated)] == ["after"]
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
    assert "skipped a Case.dev frame that is not JSON: JSON nested" in caplog.text


async def test_a_lone_surrogate_is_replaced_so_the_text_can_be_printed_and_saved() -> None:
    frames = turn(text_part(f"a{LONE_SURROGATE}b", 2), error=f"bad{LONE_SURROGATE}", status="failed")
    with HostileServer(Script(respond=stream_of(*frames))) as server:
        events = await one_turn(server)
    [text] = [e.text for e in events if isinstance(e, PartUpdated)]
    assert text == "a\ufffdb" and text.encode("utf-8")
    assert isinstance(events[-1], TurnCompleted) and events[-1].error == "bad\ufffd"


async def test_a_lone_surrogate_in_an_error_body_is_replaced() -> None:
    with HostileServer(Script(create=json_reply({"message": LONE_SURROGATE + BIDI}, 400))) as server:
        with pytest.raises(BackendError) as raised:
            await one_turn(server)
    assert "\ufffd⟨U+202E⟩" in raised.value.message and raised.value.message.encode("utf-8")


async def test_the_stewrd_adapter_takes_the_same_road() -> None:
    frames = (
        sse(None, {"type": "token", "text": HOSTILE}),
        sse(None, {"type": "tool_start", "tool": HOSTILE, "message": HOSTILE}),
        sse(None, {"type": "tool_end", "tool": HOSTILE}),
        sse("message", nested(5000)),
        sse(None, {"type": "done", "message": HOSTILE, "credits_this_request": -3, "credits_remaining": "9", "tokens_used": 5}),
    )
    with HostileServer(Script(stewrd_message=stream_of(*frames))) as server:
        client = StewrdBackend(server.base_url, ApiKey(KEY), retry=FAST)
        try:
            session = await client.create_session()
            events = [event async for event in client.send(session.id, "hi")]
        finally:
            await client.aclose()
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
    assert not [text for event in events for text in strings(event) if UNSAFE.search(text)]
    assert any("⟨U+202E⟩evil" in (e.text or "") for e in events if isinstance(e, PartUpdated))
    [usage] = [e.usage for e in events if isinstance(e, UsageReported)]
    assert usage.total_cost_micros is None and usage.credits_remaining is None and usage.output_tokens == 5


async def test_a_stewrd_error_body_becomes_a_message_without_control() -> None:
    with HostileServer(Script(stewrd_create=json_reply({"error": {"message": HOSTILE}}, 402))) as server:
        client = StewrdBackend(server.base_url, ApiKey(KEY), retry=FAST)
        try:
            with pytest.raises(BackendError) as raised:
                await client.create_session()
        finally:
            await client.aclose()
    assert not UNSAFE.search(raised.value.message) and "⟨U+202E⟩evil" in raised.value.message


async def test_a_key_written_into_the_base_url_is_never_shown() -> None:
    secret = "sk_case_IN_URL_" + "9" * 20
    with HostileServer() as server:
        port = server.port
    # The server is gone: the port refuses, as an unreachable service does.
    url = f"http://user:{secret}@127.0.0.1:{port}"
    client = CasedevBackend(url, ApiKey(KEY), retry=FAST)
    try:
        with pytest.raises(BackendError) as raised:
            await client.create_session()
    finally:
        await client.aclose()
    assert secret not in raised.value.message and f"127.0.0.1:{port}" in raised.value.message
    assert secret not in repr(client)
    assert secret not in Connection("casedev", url, ApiKey(KEY)).where
