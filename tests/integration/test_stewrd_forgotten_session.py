"""A Stewrd session the service no longer knows (404 on its messages) is expired, as a Case.dev
session the service has let go is: it does not stay `ready` for sends that can never succeed."""

from __future__ import annotations

import pytest

from tui_app.backends.errors import SessionExpired
from tui_app.backends.http_backend import RetryPolicy
from tui_app.backends.stewrd import StewrdBackend
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.workspace.session_controller import SessionController

FAST = RetryPolicy(reconnect_base_delay=0.001, reconnect_max_delay=0.01)


async def test_a_session_the_service_forgot_is_expired_and_the_unsent_message_not_counted() -> None:
    options = ServerOptions(tokens_per_second=0)
    with EmbeddedServer(options) as first:
        port, key = first.port, first.api_key
        backend = StewrdBackend(first.base_url, ApiKey(key), retry=FAST)
        session = SessionController(backend)
        await session.open()
        await session.send("hi")
    before = len(session.transcript.messages)
    # The same address, a new server: its Stewrd sessions are in memory, so this one is gone.
    try:
        with EmbeddedServer(options, port=port, api_key=key):
            with pytest.raises(SessionExpired) as caught:
                await session.send("are you still there?")
    finally:
        await backend.aclose()
    assert caught.value.status == 404
    assert "no longer knows this session" in caught.value.message
    assert session.state == "expired"
    assert session.error == caught.value.message
    assert len(session.transcript.messages) == before == 2
    assert all(m.text != "are you still there?" for m in session.transcript.messages)
