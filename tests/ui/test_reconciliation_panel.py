"""The end-of-session reconciliation in the usage panel: once a session is ended (Ctrl+T), the
panel shows the service's final cost beside the ledger's total, and any difference, at 120x40
and in the short form at 80x24. Over real HTTP to the embedded server."""

from __future__ import annotations


import pytest
from textual.widgets import Static

from tests.conftest import connection_to, wait_until
from tui_app.core.money import format_micros
from tests.integration.test_end_reconciliation import bill_elsewhere
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.audit_log import AuditLogScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.usage_panel import UsagePanel


def panel_text(app: TuiApp, box: str) -> str:
    return str(app.query_one(UsagePanel).query_one(box, Static).render())


async def end_after_one_turn(app: TuiApp, pilot: object, server: EmbeddedServer, elsewhere: bool) -> int:
    """Send a turn, optionally let another client bill one more, end the session with Ctrl+T;
    return what the service billed."""
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")  # type: ignore[arg-type]
    session = app.current
    assert session is not None and session.remote is not None
    app.query_one(Composer).insert("one turn before the end")
    app.query_one(Composer).action_send()
    await wait_until(pilot, lambda: bool(session.transcript.turns) and session.state == "ready")  # type: ignore[arg-type]
    if elsewhere:
        await bill_elsewhere(server, session.remote.id)
    await pilot.press("ctrl+t", "y")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: session.state == "ended")  # type: ignore[arg-type]
    await pilot.pause()  # type: ignore[attr-defined]
    return server.registry.cost_micros(server.registry.chats[session.remote.id])


@pytest.mark.parametrize("size, box", [((120, 40), "#usage-session"), ((80, 24), "#usage-compact")])
async def test_an_ended_session_shows_the_final_cost_agreeing_with_the_ledger(
    server: EmbeddedServer, size: tuple[int, int], box: str
) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=size) as pilot:
        final = await end_after_one_turn(app, pilot, server, elsewhere=False)
        assert app.current is not None and app.current.status.final_cost == final
        await wait_until(pilot, lambda: f"final   {format_micros(final)} = ledger" in panel_text(app, box))


async def test_a_turn_billed_elsewhere_shows_as_the_difference_in_the_panel_and_the_audit_log(
    server: EmbeddedServer,
) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(120, 40)) as pilot:
        final = await end_after_one_turn(app, pilot, server, elsewhere=True)
        session = app.current
        assert session is not None
        chat = server.registry.chats[session.remote.id]  # type: ignore[union-attr]
        seen = chat.turns[0].usage["summary"]["costMicros"]  # type: ignore[index]
        line = f"final   {format_micros(final)}, ledger {format_micros(seen)} (+{format_micros(final - seen)})"
        await wait_until(pilot, lambda: line in panel_text(app, "#usage-session"))

        screen = AuditLogScreen(session, app.workspace.changes)
        await app.push_screen(screen)
        await pilot.pause()
        notes = str(screen.query_one("#audit-notes", Static).render())
        assert f"Service's final cost: {format_micros(final)}" in notes
        assert f"Ledger's total: {format_micros(seen)}" in notes
        assert f"Difference: +{format_micros(final - seen)} (the service's is higher)" in notes
