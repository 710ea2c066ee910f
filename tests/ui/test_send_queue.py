"""Enter while the agent replies queues the message (issue 15): shown above the composer,
editable and removable until sent, sent in order when the turn ends, kept across a switch and a
restart. The embedded server plays the agent over real HTTP, at a pace slow enough to type in."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import connection_to, release, wait_until
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.queued_messages import QueuedMessages


@pytest.fixture
def slow_server(crawling_server: EmbeddedServer) -> EmbeddedServer:
    return crawling_server


def user_texts(app: TuiApp) -> list[str]:
    assert app.current is not None
    return [m.text for m in app.current.transcript.messages if m.role == "user"]


def server_texts(server: EmbeddedServer, app: TuiApp) -> list[str]:
    assert app.current is not None and app.current.remote is not None
    return [turn.user_text for turn in server.registry.chats[app.current.remote.id].turns]


async def write(app: TuiApp, pilot, *texts: str) -> None:  # type: ignore[no-untyped-def]
    """Each text written and sent with Enter; written at once, as a busy machine types slowly."""
    for text in texts:
        app.query_one(Composer).insert(text)
        await pilot.press("enter")


async def replying(app: TuiApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    await write(app, pilot, text)
    await wait_until(pilot, lambda: app.current.state == "streaming")


async def test_enter_while_the_agent_replies_queues_and_sends_in_order_when_the_turn_ends(slow_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(slow_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await replying(app, pilot, "first")
        await write(app, pilot, "second", "third")
        composer = app.query_one(Composer)
        shown = app.query_one(QueuedMessages)
        assert composer.text == ""
        assert shown.display
        assert "1. second" in str(shown.render()) and "2. third" in str(shown.render())
        assert not [n for n in app._notifications if "Not sent" in n.message]

        release(slow_server)
        await wait_until(pilot, lambda: len(user_texts(app)) == 3 and app.current.state == "ready", timeout=60)
        assert user_texts(app) == ["first", "second", "third"]
        assert server_texts(slow_server, app) == ["first", "second", "third"]
        await pilot.pause()
        assert not shown.display


async def test_up_takes_the_last_queued_message_back_and_ctrl_k_removes_one(slow_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(slow_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await replying(app, pilot, "first")
        await write(app, pilot, "keep", "edit me")
        composer = app.query_one(Composer)
        await pilot.press("up")
        assert composer.text == "edit me"
        await write(app, pilot, " later")  # queued again, edited
        await write(app, pilot, "drop me")
        await pilot.pause()
        await pilot.press("ctrl+k")  # on the empty composer: the last queued one goes
        await pilot.pause()
        assert "drop me" not in str(app.query_one(QueuedMessages).render())

        release(slow_server)
        await wait_until(pilot, lambda: len(user_texts(app)) == 3 and app.current.state == "ready", timeout=60)
        assert server_texts(slow_server, app) == ["first", "keep", "edit me later"]
        await pilot.press("up")
        assert composer.text == "drop me"  # a removed message can still be brought back


async def test_a_queued_message_stays_with_its_session_across_a_switch(slow_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(slow_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await replying(app, pilot, "first")
        first = app.current
        await write(app, pilot, "behind the turn")
        shown = app.query_one(QueuedMessages)
        app.new_session("Other")
        await wait_until(pilot, lambda: app.current is not first)
        await pilot.pause()
        assert not shown.display  # the other session has no queue

        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current is first)
        await pilot.pause()
        assert shown.display
        release(slow_server)
        await wait_until(pilot, lambda: user_texts(app) == ["first", "behind the turn"], timeout=60)


async def test_queued_messages_survive_a_restart_and_are_sent_when_the_turn_is_over(
    slow_server: EmbeddedServer, tmp_path: Path
) -> None:
    connection = connection_to(slow_server)
    with Store(tmp_path / "tui-app.db") as store:
        app = TuiApp(connection, store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await replying(app, pilot, "first")
            await write(app, pilot, "after a restart")
            shown = app.query_one(QueuedMessages)
            await wait_until(pilot, lambda: "after a restart" in str(shown.render()))
            session_id = app.current.id
        assert app.current.state == "streaming"  # quit in the middle of the turn

    release(slow_server)
    with Store(tmp_path / "tui-app.db") as store:
        again = TuiApp(connection, store=store)
        async with again.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: again.current is not None and again.current.id == session_id)
            await wait_until(pilot, lambda: user_texts(again) == ["first", "after a restart"], timeout=60)
            await wait_until(pilot, lambda: again.current.state == "ready", timeout=60)
            assert server_texts(slow_server, again) == ["first", "after a restart"]
