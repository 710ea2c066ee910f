"""The waits a user sees in the sidebar, driven in the app against the embedded server: a send
queued behind another client's turn (409) with its countdown, and a snapshotted session resuming
with its clock."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Static

from tests.conftest import connection_to, wait_until
from tests.server_client import turn_from_another_client
from tests.ui.test_app_pilot import send_now
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.session_sidebar import SessionItem


def sidebar_text(app: TuiApp) -> str:
    return "\n".join(str(item.query_one(Static).render()) for item in app.query(SessionItem))


async def test_a_send_during_another_clients_turn_is_queued_with_a_countdown_then_answered() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=60)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            chat = session.remote.id  # type: ignore[union-attr]
            other = await turn_from_another_client(server, chat)
            await send_now(app, pilot, "mine")
            await wait_until(pilot, lambda: session.state == "queued")  # type: ignore[union-attr]
            # One line of status a row: the countdown short, the full words in the row's tooltip.
            await wait_until(pilot, lambda: re.search(r"⧗.*\n.*retry \d+s", sidebar_text(app)) is not None)
            await wait_until(pilot, lambda: "queued, retry in" in str(app.query_one(SessionItem).tooltip))
            await wait_until(pilot, lambda: session.state == "ready", timeout=30)  # type: ignore[union-attr]
            await asyncio.to_thread(other.join)
            reply = session.transcript.messages[-1].text  # type: ignore[union-attr]
            assert "“from elsewhere”" in reply and "turn 2" in reply


async def test_a_snapshotted_session_shows_resuming_with_its_clock_then_answers() -> None:
    # The default 15 min idle timeout scaled to 0.9 s; resuming takes 2.5 s, long enough to see the clock move.
    with EmbeddedServer(ServerOptions(tokens_per_second=0, idle_scale=0.001, resume_delay=2.5)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            await send_now(app, pilot, "hello")
            await wait_until(pilot, lambda: session.state == "ready" and len(session.transcript.turns) == 1)  # type: ignore[union-attr]
            await asyncio.sleep(1.2)  # past the idle timeout (15 min scaled to 0.9 s): the chat is snapshotted
            await send_now(app, pilot, "again")
            await wait_until(pilot, lambda: session.state == "resuming")  # type: ignore[union-attr]
            clocks: list[int] = []

            def clock_moves() -> bool:
                seen = re.search(r"resuming (\d+)s", sidebar_text(app))
                if seen and (not clocks or int(seen.group(1)) != clocks[-1]):
                    clocks.append(int(seen.group(1)))
                return len(clocks) >= 2

            await wait_until(pilot, clock_moves, timeout=10)
            assert clocks == sorted(clocks) and clocks[-1] >= 1
            await wait_until(pilot, lambda: session.state == "ready" and len(session.transcript.turns) == 2, timeout=15)  # type: ignore[union-attr]
            assert "turn 2" in session.transcript.messages[-1].text  # type: ignore[union-attr]
