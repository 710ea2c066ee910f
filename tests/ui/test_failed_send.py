"""A send the service refuses leaves no "You" message on screen; its text is back in the composer."""

from __future__ import annotations

from tests.conftest import connection_to, wait_until
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer


async def test_a_refused_send_leaves_no_phantom_message_and_the_retry_shows_one() -> None:
    options = ServerOptions(tokens_per_second=0)
    with EmbeddedServer(options) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            assert session is not None
            composer = app.query_one(Composer)
            options.fail_next[:] = [503, 503, 503]
            composer.insert("are you there")
            composer.action_send()
            await wait_until(pilot, lambda: any("not sent" in n.title for n in app.notices.history), timeout=30)
            await wait_until(pilot, lambda: composer.text == "are you there")  # nothing typed is lost
            assert session.state == "ready"
            assert [m for m in session.transcript.messages if m.role == "user"] == []
            composer.action_send()  # the retry
            await wait_until(pilot, lambda: session.transcript.last_turn is not None and session.state == "ready")
            assert [m.text for m in session.transcript.messages if m.role == "user"] == ["are you there"]
