"""A session restored after a restart keeps its idle clock: one its service would have
snapshotted meanwhile shows `idle` (the user is not surprised by a resume delay), and a restart
does not wind the clock back to zero."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from tests.stored_sessions import record_session
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.workspace.restore import restore_sessions
from tui_app.workspace.session_controller import LedgerBook, SessionController

FIFTEEN_MINUTES = 15 * 60


def _age(store: Store, session: SessionController, seconds: float) -> float:
    """Make the stored session's last activity `seconds` old; returns that Unix time."""
    record = store.session(session.id)
    assert record is not None
    when = time.time() - seconds
    store.save_session(dataclasses.replace(record, last_activity=when))
    store.flush(10)
    return when


async def _restored(connection: Connection, store: Store, idle_timeout_ms: int | None = None) -> SessionController:
    backend = connection.open_backend()
    try:
        [session] = restore_sessions(store, {backend.name: backend}, LedgerBook(), lambda *_: None, idle_timeout_ms)
        await session.reconnect()
    finally:
        await backend.aclose()
    return session


async def test_a_session_idle_past_its_timeout_is_restored_idle(connection: Connection, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        session = await record_session(connection, store, "Old", "hello")
        _age(store, session, FIFTEEN_MINUTES + 60)
        restored = await _restored(connection, store)
    assert restored.state == "idle"


async def test_the_idle_timeout_the_app_asks_for_is_used(connection: Connection, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        session = await record_session(connection, store, "Two minutes", "hello")
        _age(store, session, 5 * 60)
        default = await _restored(connection, store)
        short = await _restored(connection, store, idle_timeout_ms=2 * 60 * 1000)
    assert short.state == "idle"
    assert default.state == "ready"


async def test_a_recent_session_is_ready_and_its_clock_survives_another_restart(connection: Connection, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        session = await record_session(connection, store, "Recent", "hello")
        when = _age(store, session, 60)
        restored = await _restored(connection, store)
        assert restored.state == "ready"
        assert time.monotonic() - restored.last_activity >= 60
        store.flush(10)
        record = store.session(session.id)
    # Restoring (and checking the service still has it) is no activity: the stored time stays.
    assert record is not None and abs(record.last_activity - when) < 1
