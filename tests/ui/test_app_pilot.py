"""The full-screen app, driven by key presses, against the embedded server over real HTTP."""

from __future__ import annotations

from textual.widgets import Static

from tests.conftest import connection_to, release, wait_until
from tui_app.core.cost import session_cost, turn_cost
from tui_app.backends.connection import Connection
from tui_app.core.money import format_micros
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import MessageView


def panel_text(app: TuiApp, widget_id: str) -> str:
    return str(app.query_one(widget_id, Static).render())


def as_micros(dollars: str) -> int:
    whole, fraction = dollars.removeprefix("$").replace(",", "").split(".")
    return int(whole) * 1_000_000 + int(fraction.ljust(6, "0"))


def shown_messages(app: TuiApp) -> list[str]:
    return [view.shown_text or "" for view in app.query(MessageView)]


async def send(app: TuiApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Put `text` in the composer as a paste would, then press Enter.

    (Pilot waits for the app to go idle after every key, which a streaming app is not, so
    typing long texts key by key would only make the tests slow; one test types for real.)
    """
    await pilot.click(Composer)
    app.query_one(Composer).insert(text)
    await pilot.press("enter")


async def send_now(app: TuiApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Send as Enter does, without Pilot's wait for an idle app, for tests that watch a stream."""
    composer = app.query_one(Composer)
    composer.insert(text)
    composer.action_send()
    await pilot.pause(0)


def turn_done(app: TuiApp, turns: int) -> bool:
    session = app.current
    return (
        session is not None
        and session.state == "ready"
        and len(session.transcript.turns) == turns
        and len(shown_messages(app)) == 2 * turns
        and shown_messages(app)[-1] == session.transcript.messages[-1].display_text
    )


async def test_a_reply_streams_into_the_transcript_with_the_servers_cost(
    connection: Connection, server: EmbeddedServer
) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send(app, pilot, "hello there")
        await wait_until(pilot, lambda: turn_done(app, 1))

        record = server.registry.chats[app.current.remote.id]  # type: ignore[union-attr]
        assert shown_messages(app) == ["hello there", record.turns[0].reply_text]
        server_cost = record.turns[0].usage["summary"]["costMicros"]  # type: ignore[index]
        turn_panel = panel_text(app, "#usage-turn")
        assert "final" in turn_panel
        assert f"cost    {format_micros(server_cost)}" in turn_panel
        assert f"{record.turns[0].usage['outputTokens']} tok" in turn_panel  # type: ignore[index]
        assert app.query_one(Composer).text == ""


async def test_a_second_message_is_answered_in_context(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send(app, pilot, "my name is Ada")
        await wait_until(pilot, lambda: turn_done(app, 1))
        await send(app, pilot, "what is my name?")
        await wait_until(pilot, lambda: turn_done(app, 2))
        last = shown_messages(app)[-1]
        assert "turn 2" in last and "“my name is Ada”" in last
        session_panel = panel_text(app, "#usage-session")
        assert f"cost    {format_micros(session_cost(app.workspace.book.ledger, app.current.id, 'micros').exact)}" in session_panel  # type: ignore[union-attr]
        assert "turns   2" in session_panel


async def test_the_cost_grows_while_the_reply_streams(paced_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(paced_server))
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send_now(app, pilot, "watch the cost")
        for _ in range(500):
            if seen and app.current.state == "ready":  # type: ignore[union-attr]
                break
            text = panel_text(app, "#usage-turn")
            if "live" in text:
                seen.append(next(line for line in text.splitlines() if line.startswith("cost")))
            await pilot.pause(0.03)
        await wait_until(pilot, lambda: turn_done(app, 1))
        live_costs = [as_micros(line.split()[-1]) for line in dict.fromkeys(seen)]
        assert len(live_costs) >= 3, seen
        assert live_costs == sorted(live_costs)
        final = turn_cost(app.workspace.book.ledger, app.current.id, app.current.transcript.last_turn.id).exact  # type: ignore[union-attr]
        assert max(live_costs) < final  # type: ignore[operator]


async def test_enter_while_a_reply_streams_queues_the_message_for_after_it(crawling_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(crawling_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send_now(app, pilot, "first")
        await wait_until(pilot, lambda: app.current.state == "streaming")  # type: ignore[union-attr]
        await send_now(app, pilot, "second")
        # The app takes the message in its own time (a loaded machine may need more than a pause).
        await wait_until(pilot, lambda: app.query_one(Composer).text == "")  # queued (issue 15), not refused
        assert app.current.state == "streaming"  # type: ignore[union-attr]
        release(crawling_server)
        await wait_until(pilot, lambda: turn_done(app, 2), timeout=60)
        assert [m.text for m in app.current.transcript.messages if m.role == "user"] == ["first", "second"]  # type: ignore[union-attr]


async def test_ctrl_j_adds_a_line_and_enter_sends_both_lines(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await pilot.click(Composer)
        await pilot.press("o", "n", "e", "ctrl+j", "t", "w", "o")
        assert app.query_one(Composer).text == "one\ntwo"
        await pilot.press("enter")
        await wait_until(pilot, lambda: turn_done(app, 1))
        assert app.current.transcript.messages[0].text == "one\ntwo"  # type: ignore[union-attr]


async def test_ctrl_q_quits(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_escape_cancels_a_turn_that_waits_for_an_answer(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send_now(app, pilot, "ask me something")
        await wait_until(pilot, lambda: app.current.state == "asking")  # type: ignore[union-attr]
        await wait_until(pilot, lambda: getattr(app.screen, "armed", False))  # the question dialog
        await pilot.press("escape")  # in the dialog: answer later
        await wait_until(pilot, lambda: not hasattr(app.screen, "armed"))
        assert app.current.state == "asking"  # type: ignore[union-attr]
        await pilot.press("escape")  # on the main screen: cancel the turn
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert app.current.transcript.last_turn.state == "cancelled"  # type: ignore[union-attr]
        assert turn_cost(app.workspace.book.ledger, app.current.id, app.current.transcript.last_turn.id).exact  # a cancelled turn is billed too  # type: ignore[union-attr]


async def test_ctrl_n_opens_a_second_session_and_switching_shows_each_transcript(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        first = app.current
        await send(app, pilot, "in the first session")
        await wait_until(pilot, lambda: turn_done(app, 1))
        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not first and app.current.state == "ready")  # type: ignore[union-attr]
        second = app.current
        assert shown_messages(app) == []
        await send(app, pilot, "in the second session")
        await wait_until(pilot, lambda: turn_done(app, 1))
        assert shown_messages(app)[0] == "in the second session"
        await pilot.click(f"#session-{first.id}")  # type: ignore[union-attr]
        await wait_until(pilot, lambda: app.current is first and shown_messages(app)[:1] == ["in the first session"])
        assert len(shown_messages(app)) == 2
        assert second.transcript.messages[0].text == "in the second session"  # type: ignore[union-attr]


async def test_up_recalls_earlier_prompts_of_the_session(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        for text in ("first prompt", "second prompt"):
            await send(app, pilot, text)
            await wait_until(pilot, lambda: app.current.state == "ready" and app.current.transcript.last_turn is not None and app.current.transcript.last_turn.state == "completed")  # type: ignore[union-attr]
        composer = app.query_one(Composer)
        await pilot.press("up")
        assert composer.text == "second prompt"
        await pilot.press("up")
        assert composer.text == "first prompt"
        await pilot.press("down")
        assert composer.text == "second prompt"
        await pilot.press("down")
        assert composer.text == ""


async def test_alt_numbers_switch_sessions_and_background_output_marks_a_session_unread(paced_server: EmbeddedServer) -> None:
    from tui_app.ui.widgets.session_sidebar import SessionItem

    app = TuiApp(connection_to(paced_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        first = app.current
        await send_now(app, pilot, "keep talking while I am away")
        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not first and app.current.state == "ready")  # type: ignore[union-attr]
        item = app.query_one(f"#session-{first.id}", SessionItem)  # type: ignore[union-attr]
        await wait_until(pilot, lambda: "● new" in str(item.query_one("Static").render()))
        await pilot.press("alt+1")
        await wait_until(pilot, lambda: app.current is first)
        assert "● new" not in str(item.query_one("Static").render())
        await pilot.press("alt+2")
        await wait_until(pilot, lambda: app.current is not first)
        await pilot.press("ctrl+pageup")
        await wait_until(pilot, lambda: app.current is first)


async def test_ending_a_session_asks_first_then_shows_its_final_cost(connection: Connection, server: EmbeddedServer) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send(app, pilot, "one turn before the end")
        await wait_until(pilot, lambda: turn_done(app, 1))
        await pilot.press("ctrl+t")
        await pilot.press("n")  # the first answer is no: nothing happens
        await pilot.pause(0.2)
        assert app.current.state == "ready"  # type: ignore[union-attr]
        await pilot.press("ctrl+t")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.current.state == "ended")  # type: ignore[union-attr]
        record = server.registry.chats[app.current.remote.id]  # type: ignore[union-attr]
        final = sum(turn.usage["summary"]["costMicros"] for turn in record.turns)  # type: ignore[index]
        assert app.current.status.final_cost == final  # type: ignore[union-attr]
        await wait_until(pilot, lambda: any("Final cost: " + format_micros(final) in n.message for n in app.notices.history))
        assert record.ended


async def test_ctrl_l_opens_the_audit_log_of_the_session(connection: Connection) -> None:
    from textual.widgets import DataTable

    from tui_app.ui.screens.audit_log import AuditLogScreen

    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send(app, pilot, "please use a tool")
        await wait_until(pilot, lambda: turn_done(app, 1))
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, AuditLogScreen))
        assert app.screen.query_one(DataTable).row_count == 2  # the llm entry and the tool's api entry
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, AuditLogScreen))


async def test_a_reply_keeps_streaming_under_an_open_dialog(paced_server: EmbeddedServer) -> None:
    from textual.widgets import DataTable

    from tui_app.ui.screens.audit_log import AuditLogScreen

    app = TuiApp(connection_to(paced_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send_now(app, pilot, "stream while I read the audit log")
        await wait_until(pilot, lambda: app.current.state == "streaming")  # type: ignore[union-attr]
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, AuditLogScreen))
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert app.screen.query_one(DataTable).row_count == 1  # updated live to the final usage
        await pilot.press("escape")
        await wait_until(pilot, lambda: turn_done(app, 1))
