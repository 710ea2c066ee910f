"""Restore at start reads the store off the event loop, and brings back the very sessions the
reads on the loop brought back before."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.conftest import connection_to
from tests.unit.workspace_fixtures import own_server, server_options  # noqa: F401  (fixtures)
from tui_app.persistence.store import RestoredSession, SessionRecord, Store
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.workspace import Workspace


class ReadsNoted(Store):
    """The real store, noting on which thread each restore read runs (and nothing else)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.read_on: set[threading.Thread] = set()

    def sessions(self) -> list[SessionRecord]:
        self.read_on.add(threading.current_thread())
        return super().sessions()

    def load_transcript(self, session_id: str) -> RestoredSession:
        self.read_on.add(threading.current_thread())
        return super().load_transcript(session_id)

    def message_times(self, session_id: str) -> dict[str, float | None]:
        self.read_on.add(threading.current_thread())
        return super().message_times(session_id)

    def last_event_id(self, session_id: str) -> int | None:
        self.read_on.add(threading.current_thread())
        return super().last_event_id(session_id)


async def test_restore_reads_off_the_loop_and_brings_back_what_a_read_on_the_loop_did(
    own_server: EmbeddedServer, tmp_path: Path
) -> None:
    with Store(tmp_path / "sessions.db") as store:
        first = Workspace([connection_to(own_server)], store)
        first.start()
        older = await first.open_session("Older")
        await first.send(older, "plan a trip to Paris, use a tool")
        latest = await first.open_session("Latest")
        await first.send(latest, "a list for apples and bread")
        await first.aclose()

    with ReadsNoted(tmp_path / "sessions.db") as store:
        on_loop = Workspace([connection_to(own_server)], store)
        assert on_loop.start() is True
        await on_loop.aclose()
        assert store.read_on == {threading.current_thread()}  # `start` (for `ask`) reads here

        store.read_on.clear()
        off_loop = Workspace([connection_to(own_server)], store)
        off_loop.open()
        try:
            assert await off_loop.restore() is True
            assert store.read_on and threading.current_thread() not in store.read_on
            assert [s.title for s in off_loop.order] == [s.title for s in on_loop.order] == ["Older", "Latest"]
            assert off_loop.current is not None and off_loop.current.id == latest.id
            for restored, before in zip(off_loop.order, on_loop.order, strict=True):
                assert restored.transcript == before.transcript
                assert restored.message_times == before.message_times
                assert restored.state == before.state
            assert off_loop.book.ledger == on_loop.book.ledger
        finally:
            await off_loop.aclose()
