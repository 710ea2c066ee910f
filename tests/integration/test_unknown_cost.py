"""A turn the service never priced keeps the session's cost unknown, end to end over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui_app.backends.errors import ConnectionFailed
from tui_app.backends.stewrd import StewrdBackend
from tui_app.core.cost import format_cost, session_cost, turn_cost
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.workspace.session_controller import SessionController


@pytest.fixture
def stewrd() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        yield server


async def test_a_cut_off_stewrd_turn_leaves_the_session_cost_at_least_what_was_priced(stewrd: EmbeddedServer) -> None:
    backend = StewrdBackend(stewrd.base_url, ApiKey(stewrd.api_key))
    try:
        session = SessionController(backend)
        await session.open()
        await session.send("hi")  # priced: one credit
        options: ServerOptions = stewrd.app.state.registry.options
        options.drop_stream_after = 3  # the next reply ends without its `done`, so without a price
        with pytest.raises(ConnectionFailed):
            await session.send("a long answer please")
    finally:
        await backend.aclose()
    first, second = session.transcript.turns
    assert (first.state, second.state) == ("completed", "failed")
    assert turn_cost(session.book.ledger, session.id, first.id).exact == 1  # type: ignore[union-attr]
    unpriced = turn_cost(session.book.ledger, session.id, second.id)
    assert unpriced is not None and unpriced.unknown and format_cost(unpriced) == "unknown"
    cost = session_cost(session.book.ledger, session.id, "credits")
    assert (cost.amount, cost.unknown, cost.exact) == (1, True, None)
    assert format_cost(cost) == "≥ 1 credit"
