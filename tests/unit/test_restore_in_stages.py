"""The app restores in stages (issue 16): the session it shows first is the only transcript read
before it is on screen; the others are read after, and take their places in start order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import connection_to
from tests.stored_sessions import two_sessions
from tests.unit.workspace_fixtures import own_server, server_options  # noqa: F401  (fixtures)
from tui_app.persistence.store import RestoredSession, Store
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.workspace import Workspace


class TranscriptsNoted(Store):
    """The real store, noting which transcripts are read, in order (and nothing else)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.read: list[str] = []

    def load_transcript(self, session_id: str) -> RestoredSession:
        self.read.append(session_id)
        return super().load_transcript(session_id)


@pytest.mark.parametrize("prefer", ["latest", "older"])
async def test_the_session_shown_first_is_the_only_transcript_read_before_it_is_shown(
    own_server: EmbeddedServer, tmp_path: Path, prefer: str  # noqa: F811
) -> None:
    paris, groceries = await two_sessions(connection_to(own_server), tmp_path)
    first = groceries if prefer == "latest" else paris
    store = TranscriptsNoted(tmp_path / "tui-app.db")
    workspace = Workspace([connection_to(own_server)], store)
    workspace.open()
    seen_when_shown: list[object] = []

    async def shown() -> None:
        seen_when_shown.extend([list(store.read), [s.title for s in workspace.order], workspace.current and workspace.current.id])

    try:
        assert await workspace.restore(None if prefer == "latest" else paris.id, shown)
        assert seen_when_shown == [[first.id], [first.title], first.id]
        assert sorted(store.read) == sorted([paris.id, groceries.id])
        assert [s.title for s in workspace.order] == ["Paris trip", "Groceries"]  # start order, as stored
        assert workspace.current is not None and workspace.current.id == first.id
        assert len(workspace.sessions[paris.id].transcript.messages) == 4
    finally:
        await workspace.aclose()
        store.close()


async def test_nothing_stored_is_no_stage_at_all(own_server: EmbeddedServer, tmp_path: Path) -> None:  # noqa: F811
    store = TranscriptsNoted(tmp_path / "tui-app.db")
    workspace = Workspace([connection_to(own_server)], store)
    workspace.open()

    async def shown() -> None:
        raise AssertionError("no session to show")

    try:
        assert not await workspace.restore(None, shown)
        assert store.read == [] and workspace.current is None
    finally:
        await workspace.aclose()
        store.close()
