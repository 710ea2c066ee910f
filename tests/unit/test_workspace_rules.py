"""The workspace's rules without Textual: budgets warn once per level and ask before an "over"
send, drafts are saved after a pause and come back, stored sessions come back at start, and a
failing subscriber never stops the others."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from tests.conftest import connection_to
from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import Budget, Settings
from tui_app.workspace.changes import Notice
from tui_app.workspace.signal import Signal
from tui_app.workspace.workspace import Workspace


async def test_a_budget_warns_once_per_level_and_an_over_budget_send_asks_first(
    own_server: EmbeddedServer, store: Store
) -> None:
    tiny = Settings(budget=Budget(session_usd=Decimal("0.000001")))
    workspace = Workspace([connection_to(own_server)], store, tiny)
    workspace.start()
    notices: list[Notice] = []
    workspace.notices.subscribe(notices.append)
    try:
        session = await workspace.open_session("Spender")
        assert workspace.send_needs_confirmation(session) is None
        await workspace.send(session, "first")
        await workspace.send(session, "second")
        budget_notices = [n for n in notices if n.title == "Budget"]
        assert len(budget_notices) == 1  # "over" once, not at every usage report
        assert budget_notices[0].severity == "error" and "asks first" in budget_notices[0].message
        check = workspace.send_needs_confirmation(session)
        assert check is not None and check.level == "over"
    finally:
        await workspace.aclose()


async def test_a_draft_is_saved_after_a_pause_and_comes_back_after_a_restart(
    own_server: EmbeddedServer, store: Store
) -> None:
    first = Workspace([connection_to(own_server)], store)
    first.start()
    session = await first.open_session("Drafty")
    first.draft_changed("half a tho")
    first.draft_changed("half a thought")
    assert store.draft(session.id) == ""  # nothing written per key
    await asyncio.sleep(0.4)  # loop timers fire in order: the 0.3 s save runs before this wakes
    assert store.draft(session.id) == "half a thought"
    await first.send(session, "kept")
    await first.aclose()

    again = Workspace([connection_to(own_server)], store)
    assert again.start() is True
    try:
        [restored] = again.order
        assert restored.id == session.id and again.current is restored
        assert [m.text for m in restored.transcript.messages if m.role == "user"] == ["kept"]
        assert again.drafts.load(restored) == "half a thought"
    finally:
        await again.aclose()


async def test_deleting_a_finished_sessions_history_forgets_it_here(workspace: Workspace) -> None:
    session = await workspace.open_session("Short-lived")
    await workspace.end(session)
    assert workspace.deletable(session)
    following = workspace.delete_history(session)
    assert following is None and workspace.sessions == {}
    assert workspace.store is not None and workspace.store.session(session.id) is None


def test_a_failing_subscriber_does_not_stop_the_others_and_unsubscribe_stops_delivery() -> None:
    signal: Signal[int] = Signal("test")
    seen: list[int] = []

    def broken(value: int) -> None:
        raise RuntimeError("a view's bug")

    signal.subscribe(broken)
    unsubscribe = signal.subscribe(seen.append)
    signal.publish(1)
    unsubscribe()
    signal.publish(2)
    assert seen == [1] and signal.subscriber_count == 1
