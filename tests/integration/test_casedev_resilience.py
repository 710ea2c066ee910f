"""The Case.dev adapter on the network's bad days, against the embedded server's fault knobs."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.server_client import turn_from_another_client
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.http_backend import RetryPolicy
from tui_app.backends.errors import AuthFailed, NotFound, RateLimited, ServerFailed, SessionExpired
from tui_app.settings.backend_choice import ApiKey
from tui_app.core import completeness
from tui_app.core.events import QuestionAsked, StreamInterrupted, StreamResumed, TurnCompleted, UserMessageSent
from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.session_controller import SessionController

FAST = RetryPolicy(reconnect_base_delay=0.001, reconnect_max_delay=0.01, retry_after_cap=2.0)


@pytest.fixture
def fault_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        yield server


def backend_for(server: EmbeddedServer, key: str | None = None, retry: RetryPolicy = FAST) -> CasedevBackend:
    return CasedevBackend(server.base_url, ApiKey(key or server.api_key), name="local", retry=retry)


def shape(session: SessionController) -> list[Any]:
    """What a person sees, without the random ids: roles, texts, turn outcomes and costs (and
    without the completeness marks a resumed turn adds: those are checked apart)."""
    t = session.transcript
    usage = [
        (turn.state, u.input_tokens, u.output_tokens, u.llm_cost_micros, u.total_cost_micros, [e.kind for e in u.entries])
        for turn in t.turns
        if (u := turn.usage) is not None
    ]
    parts = [(m.role, [(p.kind, p.text) for p in m.parts if not p.id.startswith(completeness.PART_PREFIX)]) for m in t.messages]
    return [parts, usage]


async def run_turns(server: EmbeddedServer, texts: list[str]) -> tuple[SessionController, list[Any]]:
    backend = backend_for(server)
    seen: list[Any] = []
    try:
        session = SessionController(backend, on_change=lambda _, event: seen.append(event))
        await session.open()
        for text in texts:
            await session.send(text)
    finally:
        await backend.aclose()
    return session, seen


async def test_a_stream_dropped_after_every_event_index_gives_the_same_transcript(fault_server: EmbeddedServer) -> None:
    turn = ["first think, then use a tool"]  # reasoning, a tool call and text: every kind of event
    clean, clean_events = await run_turns(fault_server, turn)
    frames = sum(1 for e in clean_events if e is not None and not isinstance(e, UserMessageSent))
    options = fault_server.app.state.registry.options
    for drop_after in range(1, frames):
        options.drop_stream_after, options.drop_stream_count = drop_after, 1
        dropped, seen = await run_turns(fault_server, turn)
        assert shape(dropped) == shape(clean), drop_after
        assert any(isinstance(e, StreamInterrupted) for e in seen), drop_after
        assert any(isinstance(e, StreamResumed) for e in seen), drop_after
        marks = [text for texts in completeness.marks(dropped.transcript.messages).values() for text in texts]
        assert len(marks) == 1 and marks[0].endswith("nothing missing."), drop_after
    options.drop_stream_after = options.drop_stream_count = None
    assert clean.transcript.messages[1].text == demo_agent.reply([], turn[0])


async def test_retryable_statuses_are_retried_within_a_bound(fault_server: EmbeddedServer) -> None:
    options = fault_server.app.state.registry.options
    backend = backend_for(fault_server)
    try:
        options.fail_next[:] = [503, 429]
        assert (await backend.create_session()).id  # two failures, then success on the third try
        options.fail_next[:] = [500, 502, 503]
        with pytest.raises(ServerFailed) as failed:
            await backend.create_session()
        assert "Try again" in failed.value.message
        options.fail_next[:] = [429, 429, 429]
        with pytest.raises(RateLimited) as limited:
            await backend.create_session()
        assert limited.value.retry_after == 1 and "Try again in 1 s" in limited.value.message
    finally:
        options.fail_next.clear()
        await backend.aclose()


async def test_each_refusal_is_a_typed_error_a_person_can_act_on(fault_server: EmbeddedServer) -> None:
    backend = backend_for(fault_server)
    try:
        remote = await backend.create_session()
        await backend.end(remote.id)
        with pytest.raises(SessionExpired) as gone:
            async for _ in backend.send(remote.id, "hi"):
                pass
        assert "Start a new one" in gone.value.message
        with pytest.raises(NotFound):
            await backend.cancel("chat_unknown")
    finally:
        await backend.aclose()
    wrong = backend_for(fault_server, key="sk_case_not_the_key_at_all")
    try:
        with pytest.raises(AuthFailed) as denied:
            await wrong.create_session()
        assert "not_the_key" not in denied.value.message
    finally:
        await wrong.aclose()


async def test_a_read_only_key_is_told_it_lacks_write_access() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, read_only_key="sk_case_read_only_for_tests")) as server:
        backend = backend_for(server, key="sk_case_read_only_for_tests")
        try:
            with pytest.raises(AuthFailed) as denied:
                await backend.create_session()
        finally:
            await backend.aclose()
    assert denied.value.status == 403 and "agent:write" in denied.value.message


async def test_a_question_is_answered_through_the_adapter_and_the_turn_continues(fault_server: EmbeddedServer) -> None:
    backend = backend_for(fault_server)
    events = []
    try:
        remote = await backend.create_session()
        async for event in backend.send(remote.id, "quiz me"):
            events.append(event)
            if isinstance(event, QuestionAsked):
                assert [q.multiple for q in event.questions] == [False, True]
                await backend.answer(remote.id, event.request_id, [["Short"], ["Cost", "Questions"]])
    finally:
        await backend.aclose()
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
    assert "You answered my questions: Short; Cost, Questions." in "".join(
        e.text or "" for e in events if getattr(e, "kind", None) == "text"
    )


async def test_cancel_ends_a_waiting_turn_and_end_reports_the_final_cost(fault_server: EmbeddedServer) -> None:
    backend = backend_for(fault_server)
    try:
        session = SessionController(backend)
        await session.open()
        await session.send("hello")
        events = []
        async for event in backend.send(session.remote.id, "ask me"):  # type: ignore[union-attr]
            events.append(event)
            if isinstance(event, QuestionAsked):
                await backend.cancel(session.remote.id)  # type: ignore[union-attr]
        assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "cancelled"
        ended = await backend.end(session.remote.id)  # type: ignore[union-attr]
    finally:
        await backend.aclose()
    record = fault_server.app.state.registry.chats[session.remote.id]  # type: ignore[union-attr]
    assert ended.cost == sum(turn.usage["summary"]["costMicros"] for turn in record.turns)
    assert ended.runtime_ms is not None


# A deliberately broken server (not ours): frames that are not JSON, lack fields, or are empty.
def _hostile_app() -> Starlette:
    async def create(request: Request) -> Response:
        return JSONResponse({"id": "chat_hostile", "status": "active"})

    async def respond(request: Request) -> Response:
        async def frames() -> AsyncIterator[str]:
            yield 'event: turn.started\nid: 1\ndata: {"turnId": "t1"}\n\n'
            yield "event: message.part.updated\nid: 2\ndata: {not json\n\n"
            yield "id: 3\ndata:\n\n"
            yield 'event: message.part.updated\nid: 4\ndata: {"turnId": "t1"}\n\n'
            yield 'event: message.part.updated\nid: 5\ndata: [1, 2]\n\n'
            part = {"turnId": "t1", "messageId": "m1", "partId": "p1", "part": {"id": "p1", "type": "text", "text": "ok"}}
            yield f"event: message.part.updated\nid: 6\ndata: {json.dumps(part)}\n\n"
            yield 'event: galaxy.exploded\nid: 7\ndata: {"x": 1}\n\n'
            yield 'event: turn.completed\nid: 8\ndata: {"turnId": "t1", "status": "completed"}\n\n'

        return StreamingResponse(frames(), media_type="text/event-stream")

    return Starlette(routes=[Route("/agent/v1/chat", create, methods=["POST"]), Route("/agent/v1/chat/{id}/respond", respond, methods=["POST"])])


async def test_malformed_frames_are_skipped_never_fatal() -> None:
    server = uvicorn.Server(uvicorn.Config(_hostile_app(), host="127.0.0.1", port=0, log_config=None, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    backend = CasedevBackend(f"http://127.0.0.1:{port}", ApiKey("sk_case_hostile"), retry=FAST)
    try:
        session = SessionController(backend)
        await session.open()
        await session.send("hi")
    finally:
        await backend.aclose()
        server.should_exit = True
        thread.join(5)
    assert session.transcript.messages[-1].text == "ok"
    assert session.transcript.turns[-1].state == "completed"


async def test_a_409_queues_the_message_until_the_other_turn_ends() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=60)) as server:
        backend = backend_for(server)
        states: list[str] = []
        try:
            session = SessionController(backend, on_change=lambda s, _: states.append(s.state))
            await session.open()
            chat = session.remote.id  # type: ignore[union-attr]
            other = await turn_from_another_client(server, chat)  # a long turn of another client
            await session.send("mine")
            other.join()
        finally:
            await backend.aclose()
    assert "queued" in states and states[-1] == "ready"
    assert session.status.error is None
    reply = session.transcript.messages[-1].text
    assert "turn 2" in reply and "“from elsewhere”" in reply  # sent after the other turn, in its context


async def test_a_quiet_session_shows_idle_after_its_timeout_and_resumes_on_send() -> None:
    now = [0.0]
    with EmbeddedServer(ServerOptions(tokens_per_second=0, idle_scale=0.001, resume_delay=0.05)) as server:
        backend = backend_for(server)
        try:
            states: list[str] = []
            session = SessionController(backend, clock=lambda: now[0], on_change=lambda s, _: states.append(s.state))
            await session.open()
            await session.send("hello")
            now[0] += 899.0  # the default idle timeout is 15 min
            session.check_idle()
            assert session.state == "ready"
            now[0] += 1.0
            session.check_idle()
            assert session.state == "idle"
            await asyncio.sleep(0.95)  # the server's scaled timeout (0.9 s) passes too
            del states[:]
            await session.send("again")
        finally:
            await backend.aclose()
    assert "resuming" in states and states[-1] == "ready"
    assert "turn 2" in session.transcript.messages[-1].text
