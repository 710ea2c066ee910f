"""The live usage report (F10) is `tui-app usage`'s report: stored sessions that are not open
(here one kept by another program, as `tui-app ask` keeps its own) read once, the open ones from
the ledger as they spend."""

from __future__ import annotations

from tests.conftest import connection_to
from tests.stored_sessions import record_session
from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.usage_live import LiveUsage
from tui_app.workspace.usage_report import usage_report
from tui_app.workspace.workspace import Workspace


async def test_the_live_report_counts_open_and_stored_sessions_as_tui_app_usage_does(
    workspace: Workspace, store: Store, own_server: EmbeddedServer
) -> None:
    await record_session(connection_to(own_server), store, "Kept by ask", "hello from elsewhere")
    opened = await workspace.open_session("Open")
    await workspace.send(opened, "hi")
    live = LiveUsage(workspace)
    stale: list[str] = []
    unsubscribe = live.subscribe(lambda: stale.append("stale"))
    await workspace.send(opened, "a longer message about the weather " * 5)
    assert stale  # its usage reports and its turn's end
    for session in workspace.order:
        session.flush()
    for by in ("day", "session", "model", "backend"):
        live.by = by
        assert live.report() == usage_report(store, by)
    totals = {total.unit: total for total in live.report().totals}
    assert totals["micros"].turns == 3 and totals["micros"].sessions == 2
    unsubscribe()
    count = len(stale)
    await workspace.send(opened, "and one more")
    assert len(stale) == count

