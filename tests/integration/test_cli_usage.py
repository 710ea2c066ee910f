"""`tui-app usage`, run as a user runs it, over sessions kept by real turns against the embedded
server (Case.dev dollars and Stewrd credits) and by `tui-app ask`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.stored_sessions import open_session, two_sessions
from tui_app.backends.connection import Connection
from tui_app.backends.stewrd import StewrdBackend
from tui_app.core.cost import session_cost
from tui_app.core.events import MessageCreated, TurnCompleted, TurnStarted
from tui_app.core.money import format_micros, format_money
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.workspace.session_controller import SessionController


def run_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUI_APP_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def report(data: Path, *args: str) -> dict[str, Any]:
    result = run_cli(data, "usage", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


Kept = tuple[Path, SessionController, SessionController, SessionController]


@pytest.fixture
async def kept(connection: Connection, server: EmbeddedServer, tmp_path: Path) -> Kept:
    """Two Case.dev sessions (dollars) and a Stewrd one (credits) in one store."""
    data = tmp_path / "data"
    paris, groceries = await two_sessions(connection, data)
    backend = StewrdBackend(server.base_url, ApiKey(server.api_key))
    try:
        with Store(data / "tui-app.db") as store:
            credits = await open_session(backend, store, "On credits", "hello in credits")
    finally:
        await backend.aclose()
    return data, paris, groceries, credits


def dollars(session: SessionController) -> int:
    cost = session_cost(session.book.ledger, session.id, "micros").exact
    assert cost is not None and cost > 0
    return cost


def credits_of(session: SessionController) -> int:
    cost = session_cost(session.book.ledger, session.id, "credits").exact
    assert cost is not None and cost > 0
    return cost


def add_unpriced_turn(data: Path, session: SessionController) -> None:
    """A later turn that ended without the service ever pricing it."""
    with Store(data / "tui-app.db") as store:
        store.append_events(
            session.id,
            [TurnStarted("unpriced"), MessageCreated("unpriced", "m-unpriced"), TurnCompleted("unpriced", "completed")],
        )


async def test_json_by_day_keeps_dollars_and_credits_apart_in_exact_integers(kept: Kept) -> None:
    data, paris, groceries, on_credits = kept
    found = report(data)
    today = date.today().isoformat()
    assert found["by"] == "day"
    by_unit = {row["unit"]: row for row in found["rows"]}
    assert set(by_unit) == {"micros", "credits"}
    assert by_unit["micros"]["group"] == today
    assert by_unit["micros"]["cost"] == dollars(paris) + dollars(groceries)
    assert by_unit["micros"]["turns"] == 3 and by_unit["micros"]["sessions"] == 2
    assert by_unit["credits"]["cost"] == credits_of(on_credits)
    assert by_unit["credits"]["sessions"] == 1
    totals = {row["unit"]: row["cost"] for row in found["totals"]}
    assert totals == {"micros": dollars(paris) + dollars(groceries), "credits": credits_of(on_credits)}


async def test_csv_by_session_has_one_exact_line_per_session(kept: Kept) -> None:
    data, paris, groceries, on_credits = kept
    result = run_cli(data, "usage", "--by", "session", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_id = {row["group"]: row for row in rows}
    assert set(by_id) == {paris.id, groceries.id, on_credits.id}
    assert by_id[paris.id]["label"] == "Paris trip"
    assert (by_id[paris.id]["unit"], int(by_id[paris.id]["cost"]), by_id[paris.id]["turns"]) == ("micros", dollars(paris), "2")
    assert int(by_id[groceries.id]["cost"]) == dollars(groceries)
    assert (by_id[on_credits.id]["unit"], int(by_id[on_credits.id]["cost"])) == ("credits", credits_of(on_credits))


async def test_the_table_by_backend_formats_money_and_credits_apart(kept: Kept) -> None:
    data, paris, groceries, on_credits = kept
    result = run_cli(data, "usage", "--by", "backend")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Backend", "Cost", "Turns", "Unpriced", "Sessions"]
    (local,) = [line for line in lines if line.startswith("local ")]
    assert local.split()[1:] == [format_micros(dollars(paris) + dollars(groceries)), "3", "2"]
    (stewrd,) = [line for line in lines if line.startswith("stewrd ")]
    assert format_money(credits_of(on_credits), "credits") in stewrd
    assert any(line.startswith("Total (credits)") for line in lines)


async def test_the_table_by_model_names_the_model_that_billed(kept: Kept) -> None:
    data, paris, *_ = kept
    model = paris.transcript.turns[0].usage.model if paris.transcript.turns[0].usage else None
    assert model
    result = run_cli(data, "usage", "--by", "model")
    assert result.returncode == 0, result.stderr
    assert any(line.startswith(model) for line in result.stdout.splitlines())


async def test_an_unpriced_turn_is_counted_apart_never_as_zero(kept: Kept) -> None:
    data, paris, groceries, _ = kept
    add_unpriced_turn(data, paris)
    found = report(data, "--by", "session")
    (row,) = [row for row in found["rows"] if row["group"] == paris.id]
    assert row["cost"] is None  # not exact: part of it has no price
    assert (row["known_cost"], row["turns"], row["unpriced_turns"]) == (dollars(paris), 3, 1)
    (micros,) = [row for row in found["totals"] if row["unit"] == "micros"]
    assert micros["cost"] is None and micros["known_cost"] == dollars(paris) + dollars(groceries)
    table = run_cli(data, "usage", "--by", "session").stdout
    (line,) = [line for line in table.splitlines() if line.startswith("Paris trip")]
    assert f"≥ {format_micros(dollars(paris))}" in line
    assert "1 turn had no price: counted apart, not as $0." in table
    csv_rows = list(csv.DictReader(io.StringIO(run_cli(data, "usage", "--by", "session", "--format", "csv").stdout)))
    (paris_csv,) = [r for r in csv_rows if r["group"] == paris.id]
    assert paris_csv["cost"] == "" and int(paris_csv["known_cost"]) == dollars(paris)


async def test_since_and_until_choose_the_days(kept: Kept) -> None:
    data, *_ = kept
    today = date.today()
    assert report(data, "--since", (today + timedelta(days=1)).isoformat())["rows"] == []
    assert report(data, "--until", (today - timedelta(days=1)).isoformat())["rows"] == []
    assert len(report(data, "--since", today.isoformat(), "--until", today.isoformat())["rows"]) == 2
    empty = run_cli(data, "usage", "--since", (today + timedelta(days=1)).isoformat())
    assert empty.returncode == 0 and empty.stdout.startswith("No spending recorded since")


def test_dates_that_are_not_dates_or_out_of_order_are_refused(tmp_path: Path) -> None:
    wrong = run_cli(tmp_path, "usage", "--since", "yesterday")
    assert wrong.returncode == 2 and "not a date" in wrong.stderr
    backwards = run_cli(tmp_path, "usage", "--since", "2026-02-02", "--until", "2026-02-01")
    assert backwards.returncode == 2 and "is after" in backwards.stderr


def test_with_no_store_the_report_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "nothing", "usage", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["group,label,unit,cost,known_cost,turns,unpriced_turns,sessions"]
    assert not (tmp_path / "nothing").exists()


def test_sessions_of_tui_app_ask_are_counted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    asked = run_cli(data, "ask", "--backend", "local", "--speed", "0", "--json", "hello from a script")
    assert asked.returncode == 0, asked.stderr
    (summary,) = [line for line in map(json.loads, asked.stdout.splitlines()) if line["type"] == "summary"]
    found = report(data, "--by", "session")
    (row,) = found["rows"]
    assert (row["group"], row["turns"]) == (summary["session"], 1)
    assert row["label"].startswith("ask: hello from a script")
    assert row["cost"] == summary["cost_micros"] > 0  # what `ask` printed is what the report counts
