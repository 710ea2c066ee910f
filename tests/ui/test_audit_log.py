"""The usage audit log screen and the all-sessions total, against the embedded server over real HTTP.

Update the snapshot after a deliberate change with
`pytest tests/ui/test_audit_log.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from tests.conftest import connection_to, wait_until
from tui_app.settings.backend_choice import ApiKey
from tui_app.backends.connection import Connection
from tui_app.core.money import format_micros, format_money
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.audit_log import AuditLogScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

SIZE = (110, 34)
TOOL_MESSAGE = "please use a tool to look this up"


async def ready(pilot: Pilot[None]) -> None:
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, TuiApp)
    app.query_one(Composer).cursor_blink = False  # a blinking cursor would make snapshots flaky
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")


async def send_and_finish(app: TuiApp, pilot: Pilot[None], text: str) -> None:
    """Send `text` in the session on screen and wait until its turn is over and billed."""
    session = app.current
    assert session is not None
    turns = len(session.transcript.turns)
    app.query_one(Composer).insert(text)
    app.query_one(Composer).action_send()
    await wait_until(
        pilot,
        lambda: session.state == "ready"
        and len(session.transcript.turns) == turns + 1
        and session.transcript.turns[-1].state == "completed",
    )
    # The reply is drawn at the transcript's frame rate: a picture waits for it, not for the turn.
    await wait_until(pilot, lambda: not app.query_one(TranscriptView).rendering)
    await pilot.pause()


def server_usage(server: EmbeddedServer, app: TuiApp) -> dict[str, Any]:
    """The usage the server billed for the last turn of the session on screen."""
    assert app.current is not None and app.current.remote is not None
    usage = server.registry.chats[app.current.remote.id].turns[-1].usage
    assert usage is not None
    return usage


def table_rows(screen: AuditLogScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_the_audit_log_lists_each_billed_entry_of_a_tool_turn(
    connection: Connection, server: EmbeddedServer
) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, TOOL_MESSAGE)
        billed = server_usage(server, app)

        screen = AuditLogScreen(app.current)  # type: ignore[arg-type]
        await app.push_screen(screen)
        await pilot.pause()

        rows = table_rows(screen)
        assert [row[1] for row in rows] == ["llm", "api"]
        assert [row[0] for row in rows] == ["1", "1"]
        assert [row[-1] for row in rows] == [format_micros(e["costMicros"]) for e in billed["entries"]]
        assert rows[0][2] == billed["model"]
        assert rows[1][2] == "demo-search"
        assert rows[0][3:5] == [f"{billed['inputTokens']:,}", f"{billed['outputTokens']:,}"]
        totals = str(screen.query_one("#audit-totals", Static).render())
        assert f"direct LLM {format_micros(billed['costMicros'])}" in totals
        assert f"all entries {format_micros(billed['summary']['costMicros'])}" in totals
        assert f"Session  {format_micros(billed['summary']['costMicros'])}" in totals

        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)
        assert not screen.is_attached


async def test_q_closes_the_audit_log(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, TOOL_MESSAGE)
        screen = AuditLogScreen(app.current)  # type: ignore[arg-type]
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("q")
        await wait_until(pilot, lambda: app.screen is not screen)


async def test_the_audit_log_keeps_earlier_turns_numbered_and_totals_the_highlighted_one(
    connection: Connection, server: EmbeddedServer
) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await send_and_finish(app, pilot, "hello there")
        first = server_usage(server, app)
        await send_and_finish(app, pilot, TOOL_MESSAGE)
        second = server_usage(server, app)

        screen = AuditLogScreen(app.current)  # type: ignore[arg-type]
        await app.push_screen(screen)
        await pilot.pause()

        rows = table_rows(screen)
        assert [(row[0], row[1]) for row in rows] == [("1", "llm"), ("2", "llm"), ("2", "api")]
        session_total = format_micros(first["summary"]["costMicros"] + second["summary"]["costMicros"])
        totals = str(screen.query_one("#audit-totals", Static).render())
        # The log opens on the latest turn, the one the user most likely came to check.
        assert "Turn 2" in totals and f"all entries {format_micros(second['summary']['costMicros'])}" in totals
        assert f"Session  {session_total}" in totals
        await pilot.press("up")
        totals = str(screen.query_one("#audit-totals", Static).render())
        assert "Turn 1" in totals and f"all entries {format_micros(first['summary']['costMicros'])}" in totals
        assert f"Session  {session_total}" in totals


async def test_an_empty_session_says_there_is_no_usage_yet(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = AuditLogScreen(app.current)  # type: ignore[arg-type]
        await app.push_screen(screen)
        await pilot.pause()
        assert "No usage yet" in str(screen.query_one("#audit-empty", Label).render())
        assert not screen.query_one(DataTable).display
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)


async def test_the_panel_totals_every_session_of_the_app(connection: Connection, server: EmbeddedServer) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.current
        await send_and_finish(app, pilot, TOOL_MESSAGE)
        first_cost = server_usage(server, app)["summary"]["costMicros"]
        all_sessions = app.query_one("#usage-all", Static)
        assert not all_sessions.display  # with one session it would only repeat the session's cost

        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not first and app.current.state == "ready")  # type: ignore[union-attr]
        assert all_sessions.display
        assert str(all_sessions.render()).splitlines() == ["All sessions", f"cost    {format_micros(first_cost)}"]

        await send_and_finish(app, pilot, "hello from the second session")
        second_cost = server_usage(server, app)["summary"]["costMicros"]
        total = format_micros(first_cost + second_cost)
        assert str(all_sessions.render()).splitlines() == ["All sessions", f"cost    {total}"]
        assert f"cost    {format_micros(second_cost)}" in str(app.query_one("#usage-session", Static).render())


async def test_the_audit_log_catches_up_with_a_turn_that_was_running_when_it_opened(
    paced_server: EmbeddedServer,
) -> None:
    app = TuiApp(connection_to(paced_server))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        session = app.current
        assert session is not None
        app.query_one(Composer).insert(TOOL_MESSAGE)
        app.query_one(Composer).action_send()
        await wait_until(pilot, lambda: session.state == "streaming")
        screen = AuditLogScreen(session)
        await app.push_screen(screen)
        await pilot.pause()
        await wait_until(pilot, lambda: session.state == "ready")

        screen.show_log()  # what the app calls on each update of the session the log shows
        await pilot.pause()
        assert [row[1] for row in table_rows(screen)] == ["llm", "api"]
        assert not screen.query_one("#audit-empty").display


async def test_a_service_billing_credits_without_entries_shows_one_total_per_turn(server: EmbeddedServer) -> None:
    app = TuiApp(Connection("stewrd", server.base_url, ApiKey(server.api_key)))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        first = app.current
        assert first is not None
        await send_and_finish(app, pilot, "hello")
        usage = first.transcript.turns[-1].usage
        assert usage is not None and not usage.entries and usage.total_cost_micros
        credits = format_money(usage.total_cost_micros, "credits")

        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not first and app.current.state == "ready")  # type: ignore[union-attr]
        all_sessions = str(app.query_one("#usage-all", Static).render())
        assert all_sessions.splitlines() == ["All sessions", f"cost    {credits}"]

        screen = AuditLogScreen(first)
        await app.push_screen(screen)
        await pilot.pause()
        assert [(row[1], row[-1]) for row in table_rows(screen)] == [("total", credits)]
        assert f"Session  {credits}" in str(screen.query_one("#audit-totals", Static).render())


def test_audit_log_after_a_tool_turn(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def open_log(pilot: Pilot[None]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, TuiApp)
        await send_and_finish(app, pilot, TOOL_MESSAGE)
        await app.push_screen(AuditLogScreen(app.current))  # type: ignore[arg-type]
        await pilot.pause()

    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=open_log)
