"""The Case.dev adapter against the embedded server, over real HTTP."""

from __future__ import annotations

import pytest

from tui_app.core.cost import session_cost
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.errors import AuthFailed, ConnectionFailed, NotFound, TurnConflict
from tui_app.settings.backend_choice import ApiKey
from tui_app.backends.connection import Connection
from tui_app.core.events import PartUpdated, TurnCompleted, UsageReported
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.session_controller import SessionController


async def test_a_session_sends_twice_and_keeps_context(connection: Connection, server: EmbeddedServer) -> None:
    backend = connection.open_backend()
    try:
        session = SessionController(backend)
        await session.open()
        await session.send("my name is Ada")
        await session.send("what is my name?")
    finally:
        await backend.aclose()
    assert session.state == "ready"
    assert [m.role for m in session.transcript.messages] == ["user", "assistant", "user", "assistant"]
    record = server.registry.chats[session.remote.id]  # type: ignore[union-attr]
    assert session.transcript.messages[3].text == record.turns[1].reply_text
    assert "“my name is Ada”" in session.transcript.messages[3].text
    server_total = sum(turn.usage["summary"]["costMicros"] for turn in record.turns)  # type: ignore[index]
    assert session_cost(session.book.ledger, session.id, "micros").exact == server_total


async def test_events_arrive_normalized_in_protocol_order(connection: Connection) -> None:
    backend = connection.open_backend()
    try:
        remote = await backend.create_session(title="order")
        events = [event async for event in backend.send(remote.id, "hi")]
    finally:
        await backend.aclose()
    assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
    assert isinstance(events[-2], UsageReported)
    assert sum(isinstance(e, PartUpdated) for e in events) == events[-2].usage.output_tokens


async def test_a_wrong_key_is_a_typed_error_that_does_not_show_the_key(server: EmbeddedServer) -> None:
    secret = "sk_case_" + "x" * 32
    backend = CasedevBackend(server.base_url, ApiKey(secret))
    try:
        with pytest.raises(AuthFailed) as caught:
            await backend.create_session()
    finally:
        await backend.aclose()
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    assert "API key" in caught.value.message


async def test_an_unknown_session_is_not_found(connection: Connection) -> None:
    backend = connection.open_backend()
    try:
        with pytest.raises(NotFound):
            async for _ in backend.send("chat_missing", "hi"):
                pass
    finally:
        await backend.aclose()


async def test_a_conflicting_turn_is_a_typed_error_with_its_retry_time(paced_server: EmbeddedServer) -> None:
    from tests.conftest import connection_to

    backend = connection_to(paced_server).open_backend()
    try:
        remote = await backend.create_session()
        first = backend.send(remote.id, "long")
        await anext(first)  # the turn is running now
        with pytest.raises(TurnConflict) as caught:
            async for _ in backend.send(remote.id, "again"):
                pass
        assert caught.value.retry_after and caught.value.retry_after > 0
        assert caught.value.active_turn_id
        async for _ in first:
            pass
    finally:
        await backend.aclose()


async def test_an_unreachable_server_says_where_it_tried() -> None:
    backend = CasedevBackend("http://127.0.0.1:9", ApiKey("sk_case_secret_secret_secret"))
    try:
        with pytest.raises(ConnectionFailed) as caught:
            await backend.create_session()
    finally:
        await backend.aclose()
    assert "127.0.0.1:9" in caught.value.message
    assert "secret" not in caught.value.message


def test_the_key_never_shows_in_a_repr() -> None:
    key = ApiKey("sk_case_abcdefghijklmnopqrstuvwxyz")
    assert "abcdef" not in repr(key) and "abcdef" not in str(key)
    assert "abcdef" not in repr(Connection("casedev", "https://api.case.dev", key))
