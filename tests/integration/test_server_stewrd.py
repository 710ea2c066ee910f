"""The embedded server's Stewrd sessions over real HTTP on 127.0.0.1, read with httpx and httpx-sse.

Most tests share one server. Tests that need a clean per-key ledger (the 10-session limit,
running out of credits, expiry) start their own, which takes a few tens of milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.server.stewrd_sessions import CAPABILITY_COSTS, StewrdRefusal, StewrdRegistry, account_of

FREE_KEY = "sk-stw_free_plan_test_key"


@dataclass
class Stewrd:
    """One running server, its live options, and the calls a Stewrd client makes."""

    server: EmbeddedServer
    options: ServerOptions
    http: httpx.Client

    def url(self, path: str) -> str:
        return f"{self.server.base_url}{path}"

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.server.api_key}"}

    def create(self, key: str | None = None) -> httpx.Response:
        return self.http.post(self.url("/v1/sessions"), headers=self.headers(key))

    def new_session(self) -> str:
        response = self.create()
        assert response.status_code == 201, response.text
        session_id: str = response.json()["id"]
        return session_id

    def send(self, session_id: str, body: Any = None, key: str | None = None, **fields: Any) -> httpx.Response:
        url = self.url(f"/v1/sessions/{session_id}/messages")
        return self.http.post(url, headers=self.headers(key), json=fields if body is None else body)

    def reply(self, session_id: str, message: str, **fields: Any) -> dict[str, Any]:
        response = self.send(session_id, message=message, **fields)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def stream(self, session_id: str, message: str, **fields: Any) -> list[ServerSentEvent]:
        body = {"message": message, "stream": True, **fields}
        url = self.url(f"/v1/sessions/{session_id}/messages")
        with connect_sse(self.http, "POST", url, json=body, headers=self.headers()) as source:
            assert source.response.status_code == 200
            return list(source.iter_sse())

    def raw_stream(self, session_id: str, message: str) -> bytes:
        body = {"message": message, "stream": True}
        url = self.url(f"/v1/sessions/{session_id}/messages")
        with self.http.stream("POST", url, json=body, headers=self.headers()) as response:
            return response.read()

    @contextmanager
    def tuned(self, **changes: Any) -> Iterator[None]:
        """Change server options for one test, as `tui-app serve` flags would, then restore them."""
        before = {name: getattr(self.options, name) for name in changes}
        for name, value in changes.items():
            setattr(self.options, name, value)
        try:
            yield
        finally:
            for name, value in before.items():
                setattr(self.options, name, value)


def _start(stack: ExitStack, **options: Any) -> Stewrd:
    live = ServerOptions(**{"tokens_per_second": 0, **options})
    server = stack.enter_context(EmbeddedServer(live))
    return Stewrd(server, live, stack.enter_context(httpx.Client(timeout=30)))


@pytest.fixture(scope="module")
def stewrd() -> Iterator[Stewrd]:
    # Many tests share this server's key, so its session limit is raised out of their way; the
    # limit itself is tested on a fresh server with the documented 10.
    with ExitStack() as stack:
        yield _start(stack, stewrd_free_key=FREE_KEY, stewrd_max_active_sessions=1000)


@pytest.fixture
def fresh_stewrd() -> Iterator[Callable[..., Stewrd]]:
    with ExitStack() as stack:
        yield lambda **options: _start(stack, **options)


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def _data(event: ServerSentEvent) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(event.data)
    return data


# -- sessions and messages -----------------------------------------------------------------------


def test_creating_a_session_answers_201_with_an_active_session(stewrd: Stewrd) -> None:
    response = stewrd.create()
    assert response.status_code == 201
    body = response.json()
    assert body["object"] == "session" and body["status"] == "active" and body["id"].startswith("sess_")


def test_a_message_is_answered_with_the_demo_reply_its_usage_and_meta(stewrd: Stewrd) -> None:
    session = stewrd.new_session()
    body = stewrd.reply(session, "hello Stewrd")
    assert body["object"] == "session.message" and body["session_id"] == session
    assert body["message"] == demo_agent.reply([], "hello Stewrd")
    assert body["capabilities_used"] == ["chat"] and body["files"] == []
    usage = body["usage"]
    assert usage["credits_this_request"] == 1
    assert usage["tokens_used"] > demo_agent.count_tokens(body["message"])
    assert all(isinstance(value, int) for value in usage.values())
    assert body["meta"]["plan"] == "pro" and body["meta"]["project_id"].startswith("proj_")
    assert isinstance(body["meta"]["duration_ms"], int)


def test_a_streamed_message_sends_tokens_that_join_into_the_reply_then_done_with_credits(stewrd: Stewrd) -> None:
    session = stewrd.new_session()
    events = stewrd.stream(session, "stream this")
    tokens = [_data(e)["text"] for e in events if e.event == "token"]
    assert "".join(tokens) == demo_agent.reply([], "stream this")
    assert len(tokens) == demo_agent.count_tokens("".join(tokens))

    assert [e.event for e in events][-1] == "done"
    done = _data(events[-1])
    assert done["message"] == "".join(tokens) and done["files"] == []
    assert done["usage"]["credits_this_request"] == 1
    # The official SDK reads a flat `done`'s credits at the top level, so they are there too.
    for name in ("credits_this_request", "credits_remaining", "tokens_used"):
        assert done[name] == done["usage"][name]
    assert isinstance(done["duration_ms"], int)
    assert all(_data(e)["type"] == e.event for e in events)


def test_a_research_message_streams_tool_start_and_tool_end_before_its_tokens(stewrd: Stewrd) -> None:
    events = stewrd.stream(stewrd.new_session(), "find sources", capabilities=["research"])
    names = [e.event for e in events]
    assert names[:3] == ["tool_start", "tool_end", "token"]
    assert _data(events[0])["tool"] == "research" and _data(events[0])["message"]
    assert _data(events[-1])["usage"]["credits_this_request"] == CAPABILITY_COSTS["research"]


def test_the_second_message_is_answered_in_the_context_of_the_first(stewrd: Stewrd) -> None:
    session = stewrd.new_session()
    stewrd.reply(session, "my name is Ada")
    second = stewrd.stream(session, "what is my name?")
    text = "".join(_data(e)["text"] for e in second if e.event == "token")
    assert "turn 2" in text and "“my name is Ada”" in text


def test_history_keeps_the_last_50_messages_and_older_ones_drop_out_of_context(stewrd: Stewrd) -> None:
    # 50 messages of history are 25 exchanges (a user message and its reply each count). Past
    # that the oldest drop out, so the agent never sees more than 25 earlier user messages.
    session = stewrd.new_session()
    replies = [stewrd.reply(session, f"message number {n}")["message"] for n in range(1, 28)]
    assert "This is turn 25 of our conversation" in replies[24]
    assert "This is turn 26 of our conversation" in replies[25]
    assert "I have 25 earlier messages of yours in context" in replies[25]
    last = replies[26]
    assert "This is turn 26 of our conversation" in last and "“message number 26”" in last


def test_the_free_plan_key_is_refused_sessions_with_403_plan_restricted(stewrd: Stewrd) -> None:
    session = stewrd.new_session()
    for response in (stewrd.create(key=FREE_KEY), stewrd.send(session, key=FREE_KEY, message="hi")):
        if response.status_code == 401:
            pytest.fail("the shared auth middleware did not accept options.stewrd_free_key")
        assert response.status_code == 403
        assert _error(response)["code"] == "plan_restricted"


def test_an_unknown_session_answers_404(stewrd: Stewrd) -> None:
    response = stewrd.send("sess_does_not_exist", message="hello?")
    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "session_not_found" and "sess_does_not_exist" in error["message"]
    assert error["docs"].endswith("#session_not_found")


@pytest.mark.parametrize(
    ("body", "code", "named"),
    [
        ({}, "missing_message", "message"),
        ({"message": "   "}, "missing_message", "message"),
        ({"message": 42}, "invalid_body", "message"),
        ({"message": "hi", "capabilities": "research"}, "invalid_body", "capabilities"),
        ({"message": "hi", "capabilities": ["chat", 7]}, "invalid_body", "capabilities[1]"),
        ({"message": "hi", "files": [{"name": "a.txt"}]}, "invalid_body", "files[0].content"),
        ({"message": "hi", "stream": "yes"}, "invalid_body", "stream"),
        (["message", "hi"], "invalid_body", "JSON object"),
    ],
)
def test_a_bad_body_gets_400_naming_the_field(stewrd: Stewrd, body: Any, code: str, named: str) -> None:
    response = stewrd.send(stewrd.new_session(), body=body)
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == code and named in error["message"]


def test_a_body_that_is_not_json_gets_400_not_500(stewrd: Stewrd) -> None:
    url = stewrd.url(f"/v1/sessions/{stewrd.new_session()}/messages")
    for raw in (b"{not json", b"\xff\xfe", b"null"):
        response = stewrd.http.post(url, content=raw, headers=stewrd.headers())
        assert response.status_code == 400 and _error(response)["code"] == "invalid_body"


def test_unknown_extra_fields_are_tolerated(stewrd: Stewrd) -> None:
    body = stewrd.reply(stewrd.new_session(), "hi", metadata={"from": "a newer client"})
    assert body["message"] == demo_agent.reply([], "hi")


# -- credits ------------------------------------------------------------------------------------


def test_each_capability_costs_its_credits(stewrd: Stewrd) -> None:
    session = stewrd.new_session()
    before = stewrd.reply(session, "warm up")["usage"]["credits_remaining"]
    body = stewrd.reply(session, "write it up", capabilities=["research", "documents", "research"])
    assert body["capabilities_used"] == ["research", "documents"]
    assert body["usage"]["credits_this_request"] == 3 + 5
    assert body["usage"]["credits_remaining"] == before - 8
    # The documents capability makes the demo agent hand back its reply as a file.
    assert body["files"] == [{"name": "demo-reply.md", "content": body["message"]}]


def test_an_unknown_capability_is_refused_with_403_capability_not_enabled(stewrd: Stewrd) -> None:
    response = stewrd.send(stewrd.new_session(), message="hi", capabilities=["chat", "teleport"])
    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "capability_not_enabled" and "teleport" in error["message"]


def test_a_request_costing_more_than_the_remaining_credits_gets_402(fresh_stewrd: Callable[..., Stewrd]) -> None:
    stewrd = fresh_stewrd(stewrd_credits=4)
    session = stewrd.new_session()
    assert stewrd.reply(session, "one", capabilities=["research"])["usage"]["credits_remaining"] == 1

    refused = stewrd.send(session, message="two", capabilities=["research"], stream=True)
    assert refused.status_code == 402 and refused.headers["content-type"] == "application/json"
    assert _error(refused)["code"] == "insufficient_credits"

    assert stewrd.reply(session, "three")["usage"]["credits_remaining"] == 0
    assert stewrd.send(session, message="four").status_code == 402
    # Credits are per key and read against the option, so topping it up takes effect at once.
    with stewrd.tuned(stewrd_credits=10):
        assert stewrd.reply(session, "five")["usage"]["credits_remaining"] == 10 - 4 - 1


# -- limits and expiry --------------------------------------------------------------------------


def test_the_eleventh_active_session_is_refused_with_429_until_one_expires(fresh_stewrd: Callable[..., Stewrd]) -> None:
    stewrd = fresh_stewrd()
    for _ in range(10):
        stewrd.new_session()
    refused = stewrd.create()
    assert refused.status_code == 429 and _error(refused)["code"] == "quota_exceeded"
    # With the idle timeout scaled to zero every existing session is past it: their places free.
    with stewrd.tuned(idle_scale=0):
        assert stewrd.create().status_code == 201


def test_a_session_expires_after_idle_and_answers_410(fresh_stewrd: Callable[..., Stewrd]) -> None:
    stewrd = fresh_stewrd()
    session = stewrd.new_session()
    assert stewrd.reply(session, "still here")["message"]
    with stewrd.tuned(idle_scale=0):
        expired = stewrd.send(session, message="hello again")
    assert expired.status_code == 410 and _error(expired)["code"] == "session_expired"
    # Expiry is for good: restoring the timeout does not bring the session back.
    again = stewrd.send(session, message="and again", stream=True)
    assert again.status_code == 410


def test_the_registry_expires_a_session_30_minutes_after_its_last_activity() -> None:
    now = [0.0]
    registry = StewrdRegistry(ServerOptions(), clock=lambda: now[0])
    account = account_of("Bearer sk-stw_test")
    session = registry.create_session(account)
    now[0] = 29 * 60
    registry.record_exchange(registry.session(account, session.id), "hi", "hello")
    now[0] = 29 * 60 + 30 * 60 - 1
    assert registry.session(account, session.id).status == "active"
    now[0] = 29 * 60 + 30 * 60
    with pytest.raises(StewrdRefusal) as refused:
        registry.session(account, session.id)
    assert refused.value.status == 410
    # Another key cannot see the session at all.
    with pytest.raises(StewrdRefusal) as hidden:
        registry.session(account_of("Bearer someone-else"), session.id)
    assert hidden.value.status == 404


# -- streaming faults and framing ---------------------------------------------------------------


def test_drop_stream_after_ends_the_stream_early_without_done(stewrd: Stewrd) -> None:
    session = stewrd.new_session()
    with stewrd.tuned(drop_stream_after=5):
        events = stewrd.stream(session, "you will not hear the end of this")
    assert [e.event for e in events] == ["token"] * 5


def test_stream_frames_use_lf_separators_and_each_names_its_event(stewrd: Stewrd) -> None:
    raw = stewrd.raw_stream(stewrd.new_session(), "framing")
    assert b"\r" not in raw
    frames = [frame for frame in raw.decode().split("\n\n") if frame]
    assert len(frames) > 10
    for frame in frames:
        lines = frame.split("\n")
        assert lines[0].startswith("event: ") and lines[1].startswith("data: ")
        assert json.loads(lines[1][len("data: ") :])["type"] == lines[0][len("event: ") :]


def test_keepalives_are_named_json_events_not_comments(stewrd: Stewrd) -> None:
    # A paced reply (about 1.4 s at 100 tokens/s) with a keepalive every 10 ms.
    with stewrd.tuned(tokens_per_second=100, heartbeat_seconds=0.01):
        raw = stewrd.raw_stream(stewrd.new_session(), "keep me alive").decode()
    frames = [frame for frame in raw.split("\n\n") if frame]
    pings = [frame for frame in frames if frame.startswith("event: ping\n")]
    assert pings and all(json.loads(p.split("data: ", 1)[1]) == {"type": "ping"} for p in pings)
    assert not any(frame.startswith(":") for frame in frames)
    text = "".join(json.loads(f.split("data: ", 1)[1])["text"] for f in frames if f.startswith("event: token\n"))
    assert text == demo_agent.reply([], "keep me alive")
