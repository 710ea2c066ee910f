"""A budget set to stop (`on_limit = "stop"`) cancels the running turn once its live cost crosses
the limit, keeps what the turn cost so far, and says so in the transcript and a notice; one set
to warn lets the turn run. Against the embedded server over real HTTP, with a real store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import connection_to
from tests.unit.workspace_fixtures import own_server, store  # noqa: F401  (fixtures)
from tui_app.core.cost import session_cost
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import Budget, Settings
from tui_app.workspace.budgets import STOP_PART_KIND
from tui_app.workspace.changes import Notice
from tui_app.workspace.workspace import Workspace

LIMIT_MICROS = 300  # the prompt alone costs ~120: the limit is crossed a few words into the reply
PROMPT = "think about a long trip through Europe"


@pytest.fixture
def server_options() -> ServerOptions:
    # Paced, with a usage report every 4 tokens: the cost grows while the reply streams, and the
    # cancel reaches the service long before the reply would end.
    return ServerOptions(tokens_per_second=20, usage_every_tokens=4)


def settings(on_limit: str) -> Settings:
    return Settings(budget=Budget(session_usd=Decimal(LIMIT_MICROS) / 1_000_000, on_limit=on_limit))


async def test_a_stopping_budget_cancels_the_turn_at_the_limit_and_keeps_its_cost(
    own_server: EmbeddedServer, store: Store
) -> None:
    workspace = Workspace([connection_to(own_server)], store, settings("stop"))
    workspace.start()
    notices: list[Notice] = []
    workspace.notices.subscribe(notices.append)
    try:
        session = await workspace.open_session("Spender")
        await workspace.send(session, PROMPT)
        session.flush()
        [turn] = session.transcript.turns
        assert turn.state == "cancelled"
        assert turn.usage is not None and turn.usage.total_cost_micros is not None
        spent = session_cost(session.book.ledger, session.id, "micros").exact
        assert spent == turn.usage.total_cost_micros >= LIMIT_MICROS  # the cost so far, recorded
        *nearly, stopped = [n for n in notices if n.title == "Budget"]
        assert stopped.severity == "error" and "The running turn was stopped" in stopped.message
        assert all(n.severity == "warning" for n in nearly)  # the stop is the "over" notice
        [reply] = [m for m in session.transcript.messages if m.role == "assistant"]
        [line] = [p for p in reply.parts if p.kind == STOP_PART_KIND]
        assert line.text.startswith("Stopped by the budget: This session has spent")
        assert "reached its budget of $0.0003" in line.text
    finally:
        await workspace.aclose()
    # What a restart, `tui-app usage` and the export read: the line and the cost are stored.
    restored = store.load_transcript(session.id)
    [kept] = [m for m in restored.transcript.messages if m.role == "assistant"]
    assert [p.text for p in kept.parts if p.kind == STOP_PART_KIND] == [line.text]
    assert sum(entry.cost for entry in store.usage_entries(session.id)) == spent


async def test_a_warning_budget_lets_the_turn_run_to_its_end(own_server: EmbeddedServer, store: Store) -> None:
    workspace = Workspace([connection_to(own_server)], store, settings("warn"))
    workspace.start()
    notices: list[Notice] = []
    workspace.notices.subscribe(notices.append)
    try:
        session = await workspace.open_session("Spender")
        await workspace.send(session, PROMPT)
        [turn] = session.transcript.turns
        assert turn.state == "completed"
        assert all(p.kind != STOP_PART_KIND for m in session.transcript.messages for p in m.parts)
        *_, over = [n for n in notices if n.title == "Budget"]
        assert "asks first" in over.message and "stopped" not in over.message
    finally:
        await workspace.aclose()


def test_on_limit_accepts_warn_and_stop_only() -> None:
    assert Budget().on_limit == "warn"
    with pytest.raises(ValueError):
        Budget(on_limit="halt")  # type: ignore[arg-type]
