"""The workspace follows the store's health without Textual: a failing store is published on
`storage` (on the workspace's own loop) until everything kept meanwhile is written; a session
another program deleted leaves the roster with a notice and is not written back; a draft the
store cannot take right now never raises on the loop, and is kept."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from tests.sqlite_locks import write_lock_held
from tests.conftest import connection_to
from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.changes import Notice, RosterChange, StorageStatus
from tui_app.workspace.workspace import Workspace

PATIENCE = 60.0  # a bound on waiting for the store's writer, so a broken store fails instead of hanging


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(int(PATIENCE / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not reached within {PATIENCE} s")


async def test_a_locked_store_is_published_on_the_loop_until_everything_is_written(
    workspace: Workspace, store: Store, tmp_path: Path
) -> None:
    heard: list[StorageStatus] = []
    threads: set[threading.Thread] = set()

    def listen(status: StorageStatus) -> None:
        heard.append(status)
        threads.add(threading.current_thread())

    workspace.storage.subscribe(listen)
    session = await workspace.open_session("Locked out")
    await workspace.send(session, "plan a trip to Paris, use a tool")
    assert await workspace.save_all(PATIENCE)
    with write_lock_held(tmp_path / "sessions.db"):
        await workspace.send(session, "think about museums")
        workspace.draft_changed("and then")
        assert workspace.unsaved() > 0
        await until(lambda: workspace.storage_status.behind)
        assert workspace.storage_status.health.problem == "database locked by another program"
        assert not await workspace.save_all(PATIENCE)  # failing: it does not wait, and says so
    await until(lambda: not workspace.storage_status.behind)
    assert threads == {threading.current_thread()}  # every status arrived on the loop's thread
    assert heard[-1].health.ok and not heard[-1].behind
    assert workspace.unsaved() == 0
    with Store(tmp_path / "sessions.db") as reopened:
        assert [m.text for m in reopened.messages(session.id)] == [m.text for m in session.transcript.messages]
        assert reopened.draft(session.id) == "and then"


async def test_a_session_deleted_by_another_program_leaves_the_roster_with_a_notice(
    workspace: Workspace, store: Store, tmp_path: Path
) -> None:
    roster: list[RosterChange] = []
    notices: list[Notice] = []
    workspace.roster.subscribe(roster.append)
    workspace.notices.subscribe(notices.append)
    kept = await workspace.open_session("Kept")
    doomed = await workspace.open_session("Doomed")
    await workspace.send(doomed, "plan a trip to Paris, use a tool")
    assert await workspace.save_all(PATIENCE)
    with Store(tmp_path / "sessions.db") as other:  # `tui-app sessions rm` in another process
        other.delete_session(doomed.id)
    await workspace.send(doomed, "think about museums")  # its next writes find it gone
    await until(lambda: doomed.id not in workspace.sessions)
    assert RosterChange("removed", doomed) in roster
    assert any("Doomed was deleted by another program" in n.message for n in notices)
    assert workspace.current is None  # it was on screen: the view picks another
    assert workspace.order == [kept]
    await workspace.send(kept, "a list for apples and bread")
    assert await workspace.save_all(PATIENCE)
    with Store(tmp_path / "sessions.db") as reopened:
        assert [r.id for r in reopened.sessions()] == [kept.id]
        assert reopened.messages(doomed.id) == []


async def test_a_draft_of_a_restored_session_typed_while_the_store_is_locked_is_written_once_released(
    own_server: EmbeddedServer, store: Store, tmp_path: Path
) -> None:
    first = Workspace([connection_to(own_server)], store)
    first.start()
    session = await first.open_session("Drafty")
    await first.send(session, "kept")
    await first.aclose()

    again = Workspace([connection_to(own_server)], store)
    again.start()
    with write_lock_held(tmp_path / "sessions.db"):
        again.draft_changed("typed while another program holds the lock")
        again.drafts.flush()  # the save the pause would do: handed over, not raised
        assert again.unsaved() > 0
    assert await again.save_all(PATIENCE)
    await again.aclose()
    assert store.draft(session.id) == "typed while another program holds the lock"


async def test_a_draft_the_store_refuses_stays_in_memory_and_is_not_raised_on_the_loop(
    own_server: EmbeddedServer, tmp_path: Path
) -> None:
    store = Store(tmp_path / "refusing.db")
    workspace = Workspace([connection_to(own_server)], store)
    workspace.start()
    try:
        session = await workspace.open_session("Drafty")
        store.close()  # from now on the store refuses every write (RuntimeError)
        workspace.draft_changed("nothing typed is lost")
        workspace.drafts.flush()
        assert workspace.unsaved() == 1
        assert workspace.show(session) == "nothing typed is lost"  # the composer gets it back
        assert not await workspace.save_all(PATIENCE)  # and quitting would ask
    finally:
        await workspace.aclose()
