"""The export of an ended session: the service's final cost beside the ledger's total, and the
completeness mark of a turn that was resumed, in Markdown and in JSON (integers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import connection_to
from tests.stored_sessions import open_session
from tui_app.core.money import format_micros
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace import export


@pytest.fixture
def dropping_server() -> Iterator[EmbeddedServer]:
    """Cuts the first turn's stream after 3 events; the client resumes it."""
    with EmbeddedServer(ServerOptions(tokens_per_second=0, drop_stream_after=3, drop_stream_count=1)) as server:
        yield server


async def test_an_ended_sessions_export_has_both_figures_the_difference_and_the_mark(
    dropping_server: EmbeddedServer, tmp_path: Path
) -> None:
    backend = connection_to(dropping_server).open_backend()
    with Store(tmp_path / "tui-app.db") as store:
        try:
            session = await open_session(backend, store, "Ended", "please use a tool")
            result = await session.end()
            session.flush()
        finally:
            await backend.aclose()
        loaded = export.load(store, session.id)
        markdown, data = export.to_markdown(loaded), json.loads(export.to_json(loaded))
        entries = store.usage_entries(session.id)
    total = sum(entry.cost for entry in entries)
    assert result.cost == total > 0
    assert f"- Final cost reported by the service: {format_micros(total)}\n" in markdown
    assert f"- Ledger's total: {format_micros(total)}; difference: none\n" in markdown
    [mark] = data["completeness"]
    assert mark["cause"] == "reconnect" and mark["after_event_id"] == 3 and mark["missing"] == []
    assert f"> *{mark['text']}*" in markdown and mark["text"].endswith("nothing missing.")
    assert data["reconciliation"] == {
        "unit": "micros", "service_final_cost": total, "ledger_total": total, "ledger_known_part": total,
        "difference": 0, "agrees": True,
    }
    assert [turn["usage_reported"] for turn in data["turns"]] == [True]


async def test_a_session_still_open_has_no_reconciliation(dropping_server: EmbeddedServer, tmp_path: Path) -> None:
    backend = connection_to(dropping_server).open_backend()
    with Store(tmp_path / "tui-app.db") as store:
        try:
            session = await open_session(backend, store, "Open", "hello")
        finally:
            await backend.aclose()
        loaded = export.load(store, session.id)
    assert export.to_json_data(loaded)["reconciliation"] is None
    assert "Final cost reported" not in export.to_markdown(loaded)
