"""Completeness marks over real HTTP: a turn whose stream is cut and resumed says nothing is
missing; a feed whose replay window lost events says which ones."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.stored_sessions import open_session
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.http_backend import RetryPolicy
from tui_app.core import completeness
from tui_app.core.events import DomainEvent, FeedReplayed, QuestionAsked, TurnCompleted
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.workspace.session_controller import SessionController

FAST = RetryPolicy(reconnect_base_delay=0.001, reconnect_max_delay=0.01)


@pytest.fixture
def own_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        yield server


def backend_for(server: EmbeddedServer) -> CasedevBackend:
    return CasedevBackend(server.base_url, ApiKey(server.api_key), name="local", retry=FAST)


def marks_in(session: SessionController) -> list[str]:
    return [text for texts in completeness.marks(session.transcript.messages).values() for text in texts]


async def test_a_turn_cut_and_resumed_says_nothing_is_missing(own_server: EmbeddedServer) -> None:
    own_server.registry.options.drop_stream_after, own_server.registry.options.drop_stream_count = 4, 1
    seen: list[DomainEvent | None] = []
    backend = backend_for(own_server)
    try:
        session = SessionController(backend, on_change=lambda _, event: seen.append(event))
        await session.open()
        await session.send("please use a tool")
    finally:
        await backend.aclose()
    assert session.remote is not None
    last = own_server.registry.chats[session.remote.id].next_seq - 1
    [mark] = [event for event in seen if isinstance(event, FeedReplayed)]
    assert (mark.cause, mark.after_event_id, mark.first_event_id) == ("reconnect", 4, 5)
    assert (mark.missing, mark.events, mark.resumes) == ((), last - 4, 1)
    assert seen.index(mark) < max(i for i, event in enumerate(seen) if isinstance(event, TurnCompleted))
    assert marks_in(session) == [f"Replayed {last - 4} events from #5 after a reconnect, nothing missing."]
    reply = session.transcript.messages[-1]
    assert reply.role == "assistant" and reply.parts[-1].kind == "notice"


async def test_a_stream_that_drops_again_and_again_makes_one_mark_for_the_turn(own_server: EmbeddedServer) -> None:
    own_server.registry.options.drop_stream_after = 3  # every stream, the resumed ones too
    backend = backend_for(own_server)
    try:
        session = SessionController(backend)
        await session.open()
        await session.send("please use a tool")
    finally:
        await backend.aclose()
        own_server.registry.options.drop_stream_after = None
    assert session.remote is not None and session.transcript.turns[-1].state == "completed"
    last = own_server.registry.chats[session.remote.id].next_seq - 1
    resumes = -(-(last - 3) // 3)  # 3 events a connection, after the first 3 on `respond`
    assert resumes > 2
    assert marks_in(session) == [f"Replayed {last - 3} events from #4 after a reconnect ({resumes} resumes), nothing missing."]


async def test_a_feed_that_lost_events_from_its_buffer_names_them_after_a_restart(own_server: EmbeddedServer) -> None:
    # The first client follows a turn until the agent asks a question, then goes away (the app
    # quit); the turn is answered elsewhere and runs to its end, while the service keeps only
    # its last 3 events for replay.
    first = backend_for(own_server)
    asked = asyncio.Event()
    questions: list[QuestionAsked] = []

    def changed(_: SessionController, event: DomainEvent | None) -> None:
        if isinstance(event, QuestionAsked):
            questions.append(event)
            asked.set()

    session = SessionController(first, on_change=changed)
    await session.open()
    assert session.remote is not None
    chat = session.remote.id
    sending = asyncio.create_task(session.send("ask me about buffers"))
    await asyncio.wait_for(asked.wait(), 30)
    sending.cancel()
    await asyncio.gather(sending, return_exceptions=True)
    seen_last = first.last_event_id(chat)
    await first.aclose()
    assert seen_last is not None

    own_server.registry.options.replay_window = 3
    await asyncio.to_thread(_answer, own_server, chat, questions[0].request_id)
    while own_server.registry.chats[chat].active_turn is not None:
        await asyncio.sleep(0.01)
    last = own_server.registry.chats[chat].next_seq - 1
    assert last - 3 > seen_last + 1  # the answer made more events than the window keeps

    # The app starts again: the turn it left running is followed from the last id it stored.
    second = backend_for(own_server)
    try:
        restarted = SessionController(second)
        restarted.remote, restarted.transcript = session.remote, session.transcript
        second.restore(chat, seen_last)
        await restarted.reconnect()
    finally:
        await second.aclose()
    assert restarted.transcript.turns[-1].state == "completed"
    assert marks_in(restarted) == [
        f"Events #{seen_last + 1}–#{last - 3} were not replayed by the service after a restart: "
        "this part may be incomplete."
    ]


def _answer(server: EmbeddedServer, chat: str, request_id: str) -> None:
    """Answer as another client would (the one that asked has gone)."""
    response = httpx.post(
        f"{server.base_url}/agent/v1/chat/{chat}/question/{request_id}/reply",
        json={"answers": [["Short"]]},
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=30,
    )
    assert response.status_code == 204, response.text


async def test_a_mark_comes_back_with_its_session_after_a_restart(own_server: EmbeddedServer, tmp_path: Path) -> None:
    own_server.registry.options.drop_stream_after, own_server.registry.options.drop_stream_count = 2, 1
    with Store(tmp_path / "tui-app.db") as store:
        backend = backend_for(own_server)
        try:
            session = await open_session(backend, store, "Kept", "hello")
            before = marks_in(session)
            record = store.session(session.id)
            assert record is not None
            restored = SessionController.restore(record, backend, store)
        finally:
            await backend.aclose()
    assert len(before) == 1 and before[0].endswith("nothing missing.")
    assert marks_in(restored) == before
