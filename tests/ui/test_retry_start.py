"""A session whose start the service refused can be started again (issue 15): F5, shown in the
footer while it can help, or sending a message (which then waits for the session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import connection_to, wait_until
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer

REFUSED_CREATE = [503, 503, 503]  # the first try and both of the client's own retries


@pytest.fixture
def failing_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, fail_next=list(REFUSED_CREATE))) as running:
        yield running


async def failed(app: TuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "failed", timeout=30)
    await pilot.pause()


async def test_f5_starts_a_failed_session_again(failing_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(failing_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await failed(app, pilot)
        session = app.current
        await wait_until(pilot, lambda: any("could not start" in n.title for n in app._notifications))
        assert [n.message for n in app._notifications if "could not start" in n.title][0].endswith("F5 tries again.")
        assert "f5" in app.active_bindings  # the footer offers it
        assert "F5" in str(app.query_one(Composer).border_title)
        await pilot.press("f5")
        await wait_until(pilot, lambda: session.state == "ready")
        assert app.current is session and session.remote is not None
        await pilot.pause()
        assert "f5" not in app.active_bindings
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: session.state == "ready" and len(session.transcript.turns) == 1)
        assert failing_server.registry.chats[session.remote.id].turns[0].user_text == "hello"


async def test_sending_in_a_failed_session_starts_it_and_the_message_follows(failing_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(failing_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await failed(app, pilot)
        session = app.current
        await pilot.press(*"are you there", "enter")
        assert app.query_one(Composer).text == ""
        await wait_until(pilot, lambda: session.state == "ready" and len(session.transcript.turns) == 1)
        assert [m.text for m in session.transcript.messages if m.role == "user"] == ["are you there"]


async def test_a_retry_refused_again_says_so_and_can_be_tried_once_more(failing_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(failing_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await failed(app, pilot)
        session = app.current
        failing_server.registry.options.fail_next[:] = list(REFUSED_CREATE)
        app.clear_notifications()
        await pilot.press("f5")
        await wait_until(pilot, lambda: any("F5 tries again" in n.message for n in app._notifications), timeout=30)
        assert session.state == "failed"
        await pilot.pause()
        assert "f5" in app.active_bindings
        await pilot.press("f5")
        await wait_until(pilot, lambda: session.state == "ready")
