"""Sessions survive the app: a clean restart, a SIGKILL mid-turn, and a damaged store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.core.cost import session_cost
from tui_app.core.money import format_micros
from tui_app.server.runner import EmbeddedServer
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import MessageView


async def test_a_restart_brings_back_transcripts_costs_and_an_unsent_draft(
    connection: Connection, server: EmbeddedServer, tmp_path: Path
) -> None:
    store = Store(tmp_path / "tui-app.db")
    app = TuiApp(connection, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        composer = app.query_one(Composer)
        composer.insert("remember me")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1)  # type: ignore[union-attr]
        composer.insert("a draft I never sent")
        await pilot.pause(0.5)
        first = app.current
        before = [m.text for m in first.transcript.messages]  # type: ignore[union-attr]
        cost = session_cost(app.workspace.book.ledger, first.id, "micros")  # type: ignore[union-attr]
    store.close()

    store = Store(tmp_path / "tui-app.db")
    again = TuiApp(connection, store=store)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: again.current is not None and len(again.query(MessageView)) == 2)
        session = again.current
        assert session.id == first.id  # type: ignore[union-attr]
        assert [m.text for m in session.transcript.messages] == before  # type: ignore[union-attr]
        assert session_cost(again.workspace.book.ledger, session.id, "micros") == cost  # type: ignore[union-attr]
        assert again.query_one(Composer).text == "a draft I never sent"
        await wait_until(pilot, lambda: session.state == "ready")  # type: ignore[union-attr]
        # The session is still live on the server: it answers in context.
        again.query_one(Composer).text = ""
        again.query_one(Composer).insert("what did I ask you to remember?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(session.transcript.turns) == 2 and session.state == "ready")  # type: ignore[union-attr]
        assert "“remember me”" in session.transcript.messages[-1].text  # type: ignore[union-attr]
    store.close()


APP_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from tui_app.settings.backend_choice import ApiKey
    from tui_app.backends.connection import Connection
    from tui_app.core.cost import turn_cost
    from tui_app.persistence.store import Store
    from tui_app.ui.app import TuiApp
    from tui_app.ui.widgets.composer import Composer

    base_url, key, db, mode = sys.argv[1:5]

    async def main() -> None:
        app = TuiApp(Connection("casedev", base_url, ApiKey(key)), store=Store(Path(db)))
        async with app.run_test(size=(100, 30)) as pilot:
            while app.current is None or app.current.state not in ("ready", "streaming"):
                await pilot.pause(0.05)
            if mode == "send":
                app.query_one(Composer).insert("survive a kill")
                app.query_one(Composer).action_send()
                while len(app.current.transcript.messages) < 2 or len(app.current.transcript.messages[1].text) < 80:
                    await pilot.pause(0.02)
                print("STREAMING", flush=True)
                await asyncio.sleep(60)  # killed here
            else:
                while app.current.state != "ready" or app.current.transcript.turns[-1].state == "running":
                    await pilot.pause(0.05)
                turn = app.current.transcript.turns[-1]
                print("TURN", turn.state, turn_cost(app.workspace.book.ledger, app.current.id, turn.id).exact, flush=True)
                print("TEXT", app.current.transcript.messages[-1].text.replace(chr(10), " "), flush=True)

    asyncio.run(main())
    """
)


def test_a_sigkill_mid_turn_restarts_into_the_same_transcript_and_the_turn_completes(tmp_path: Path) -> None:
    from tests.integration.test_cli import serving

    key = "sk_local_test_" + "z" * 20
    db = tmp_path / "tui-app.db"
    script = tmp_path / "app_run.py"
    script.write_text(APP_SCRIPT)
    with serving("--speed", "40", key=key) as (port, server):
        base_url = f"http://127.0.0.1:{port}"
        first = subprocess.Popen(
            [sys.executable, str(script), base_url, key, str(db), "send"],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
        )
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "STREAMING"
        time.sleep(0.2)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)

        shown = Store(db)
        [record] = shown.sessions()
        messages_at_kill = shown.messages(record.id)
        shown.close()
        assert messages_at_kill[0].text == "survive a kill"
        partial = messages_at_kill[1].text
        assert len(partial) >= 80  # what was on screen was on disk

        second = subprocess.run(
            [sys.executable, str(script), base_url, key, str(db), "resume"],
            capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
        )
        assert second.returncode == 0, second.stderr
    lines = dict(line.split(" ", 1) for line in second.stdout.strip().splitlines())
    state, cost = lines["TURN"].split()
    assert state == "completed"
    text = lines["TEXT"]
    assert text.startswith(partial.replace("\n", " "))
    assert "You said “survive a kill”" in text and text.endswith("Send another message and I will answer in context.")
    after = Store(db)
    [record] = after.sessions()
    final_text = after.messages(record.id)[1].text
    events = after.load_events(record.id)
    after.close()
    assert final_text.count("You said") == 1  # nothing doubled
    usage = [e for e in events if type(e).__name__ == "UsageReported"][-1].usage
    assert int(cost) == usage.total_cost_micros and format_micros(int(cost)).startswith("$0.00")


def test_a_damaged_store_gives_a_clear_message_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "tui-app.db").write_bytes(b"this is not a database" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "tui_app", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert str(tmp_path / "tui-app.db") in result.stderr and "--data-dir" in result.stderr


async def test_an_ended_session_keeps_its_final_cost_and_stays_readable(connection: Connection, tmp_path: Path) -> None:
    from tui_app.workspace.session_controller import SessionController

    store = Store(tmp_path / "tui-app.db")
    backend = connection.open_backend()
    try:
        session = SessionController(backend, store=store)
        await session.open()
        await session.send("one turn, then the end")
        result = await session.end()
        again = SessionController.restore(store.session(session.id), backend, store)  # type: ignore[arg-type]
        await again.reconnect()  # an ended session is not looked for on the service
    finally:
        await backend.aclose()
    assert result.cost == session_cost(session.book.ledger, session.id, "micros").exact
    assert (again.state, again.status.final_cost) == ("ended", result.cost)
    assert [m.text for m in again.transcript.messages] == [m.text for m in session.transcript.messages]
    record = store.session(session.id)
    assert record is not None and record.closed and record.final_cost == result.cost
    store.close()


async def test_a_stewrd_session_shows_how_full_its_history_is(server: EmbeddedServer) -> None:
    from tui_app.settings.backend_choice import ApiKey
    from tui_app.ui.widgets.session_sidebar import SessionItem

    app = TuiApp(Connection("stewrd", server.base_url, ApiKey(server.api_key)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.query_one(Composer).insert("count my history")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.current.transcript.turns) == 1 and app.current.state == "ready")  # type: ignore[union-attr]
        await pilot.pause(0.1)
        item = app.query_one(SessionItem)
        label = str(item.query_one("Static").render())
        assert "2/50 msgs" in label  # the row's one line of status; the tooltip says it in full
        assert "2/50 messages of history" in str(item.tooltip)
        assert "1 credit" in label


async def test_a_restored_session_is_the_session_its_events_replay_to(connection: Connection, tmp_path: Path) -> None:
    """Restoring reads projections, not every streamed token: it must still give exactly what a
    replay of the stored events gives (transcript, costs, the shared ledger)."""
    from functools import reduce

    from tui_app.core import transcript as reducer
    from tui_app.core.cost import session_cost, summarize
    from tui_app.core.transcript import Transcript
    from tui_app.core.usage_ledger import UsageLedger
    from tui_app.workspace.session_controller import LedgerBook, SessionController

    store = Store(tmp_path / "tui-app.db")
    backend = connection.open_backend()
    try:
        sessions = [SessionController(backend, title=f"S{n}", store=store) for n in range(2)]
        for session in sessions:
            await session.open()
            for text in ("hello", "think about it", "use the tool", "think and use the tool"):
                await session.send(text)
            session.flush()
        book = LedgerBook()
        restored = [SessionController.restore(store.session(s.id), backend, store, ledger=book) for s in sessions]  # type: ignore[arg-type]
    finally:
        await backend.aclose()
    ledger = UsageLedger()
    for session, again in zip(sessions, restored, strict=True):
        events = store.load_events(session.id)
        assert again.transcript == reduce(reducer.apply, events, Transcript()) == session.transcript
        for event in events:
            ledger = ledger.record_event(session.id, event, "micros")
    assert book.ledger.entries == ledger.entries
    assert summarize(book.ledger).overall == summarize(ledger).overall
    assert summarize(book.ledger).overall.get("micros").exact == sum(
        session_cost(ledger, s.id, "micros").amount for s in sessions
    )
    store.close()
