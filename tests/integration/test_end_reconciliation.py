"""Ending a session over real HTTP: Case.dev's `DELETE` answer as the SDK models it, and the
service's final cost set beside the ledger's total, to the micro-dollar."""

from __future__ import annotations

import asyncio

import casedev
import httpx
import pytest

from tests.conftest import connection_to
from tests.hostile_server import KEY, HostileServer, Script, json_reply, sse, stream_of
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.errors import SessionExpired
from tui_app.backends.stewrd import StewrdBackend
from tui_app.backends.http_backend import RetryPolicy
from tui_app.core import completeness
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.workspace.final_cost import reconciliation
from tui_app.workspace.session_controller import SessionController


async def bill_elsewhere(server: EmbeddedServer, chat: str) -> None:
    """A turn in `chat` from another client (a script, another app), run to its end: billed by
    the service, never seen by this client."""
    response = await asyncio.to_thread(
        httpx.post,
        f"{server.base_url}/agent/v1/chat/{chat}/message",
        json={"parts": [{"type": "text", "text": "billed elsewhere"}]},
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text



def test_delete_answers_the_final_cost_as_the_sdk_models_it(server: EmbeddedServer) -> None:
    client = casedev.Casedev(api_key=server.api_key, base_url=server.base_url, max_retries=0)
    chat = client.agent.v1.chat.create(title="to end")
    client.agent.v1.chat.send_message(chat.id, parts=[{"type": "text", "text": "please use a tool"}])
    billed = server.registry.cost_micros(server.registry.chats[chat.id])
    ended = client.agent.v1.chat.delete(chat.id)
    assert (ended.id, ended.status) == (chat.id, "ended")
    assert ended.cost is not None and round(ended.cost * 1_000_000) == billed > 0  # dollars, a float
    assert ended.runtime_ms is not None and ended.snapshot_image_id
    assert ended.model_extra is not None and ended.model_extra["costMicros"] == billed  # exact, defined here


async def test_a_session_ended_through_the_adapter_agrees_with_its_ledger(server: EmbeddedServer) -> None:
    backend = connection_to(server).open_backend()
    try:
        session = SessionController(backend)
        await session.open()
        assert reconciliation(session) is None  # nothing to compare while it goes on
        await session.send("please use a tool")
        await session.send("hello again")
        result = await session.end()
    finally:
        await backend.aclose()
    assert session.remote is not None
    assert result.cost == server.registry.cost_micros(server.registry.chats[session.remote.id])
    ended = reconciliation(session)
    assert ended is not None and ended.service == result.cost
    assert (ended.difference, ended.agrees) == (0, True)


async def test_a_turn_the_client_never_saw_shows_as_the_exact_difference(server: EmbeddedServer) -> None:
    backend = connection_to(server).open_backend()
    try:
        session = SessionController(backend)
        await session.open()
        await session.send("hello")
        assert session.remote is not None
        chat = server.registry.chats[session.remote.id]
        await bill_elsewhere(server, session.remote.id)
        unseen = chat.turns[-1].usage
        assert unseen is not None
        await session.end()
    finally:
        await backend.aclose()
    ended = reconciliation(session)
    assert ended is not None and ended.difference == unseen["summary"]["costMicros"] > 0
    assert ended.difference_text().endswith("(the service's is higher)")


async def test_a_final_cost_sent_only_in_dollars_is_read_to_the_micro_dollar() -> None:
    # A real Case.dev sends `cost` as dollars (the SDK's float) and no `costMicros`.
    script = Script(end=json_reply({"id": "chat_h", "status": "ended", "cost": 0.001234, "runtimeMs": 10}))
    with HostileServer(script) as hostile:
        backend = CasedevBackend(hostile.base_url, ApiKey(KEY))
        try:
            ended = await backend.end("chat_h")
        finally:
            await backend.aclose()
    assert (ended.cost, ended.runtime_ms) == (1234, 10)


async def test_event_ids_that_are_not_numbers_leave_a_resumed_turn_marked_not_known() -> None:
    stream_frames = [
        sse("message.part.updated", {"type": "message.part.updated", "properties": {"turnId": "t1", "part": {
            "id": "p1", "type": "text", "text": "ok", "messageID": "m1", "sessionID": "chat_h"}}}, "evt_a"),
        sse("session.idle", {"type": "session.idle", "properties": {"sessionID": "chat_h", "turnId": "t1"}}, "evt_b"),
    ]
    script = Script(
        respond=stream_of(sse("turn.started", {"turnId": "t1", "chatId": "chat_h"}, 1)),  # then it breaks
        stream=stream_of(*stream_frames),
    )
    with HostileServer(script) as hostile:
        backend = CasedevBackend(hostile.base_url, ApiKey(KEY), retry=RetryPolicy(reconnect_base_delay=0.001))
        try:
            session = SessionController(backend)
            await session.open()
            await session.send("hello")
        finally:
            await backend.aclose()
    assert session.transcript.turns[-1].state == "completed"
    [[mark]] = completeness.marks(session.transcript.messages).values()
    assert mark == (
        "Resumed after a reconnect: 2 events came back, but the service's event ids are not numbers, "
        "so whether any are missing is not known."
    )


async def test_stewrd_reports_no_final_cost_so_an_expired_session_says_so() -> None:
    # Stewrd ends no session with a figure (it expires them: 410), and its money is credits.
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        backend = StewrdBackend(server.base_url, ApiKey(server.api_key))
        try:
            session = SessionController(backend)
            await session.open()
            await session.send("hello stewrd")
            server.registry.options.idle_scale = 0  # every session is past its idle timeout at once
            with pytest.raises(SessionExpired):
                await session.send("still there?")
        finally:
            await backend.aclose()
    assert session.state == "expired" and not backend.capabilities.end_with_cost
    ended = reconciliation(session)
    assert ended is not None and ended.service is None and ended.unit == "credits"
    assert ended.short() == "not reported by the service"
    assert ended.sentence() == f"Final cost not reported by the service; the ledger's total is {ended.ledger_text()}."
    assert ended.ledger.amount > 0
