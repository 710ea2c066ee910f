"""Setting a session's queue (each queued message sent) keeps its draft's text without reading
the store again: a read of the store waits for its writer, on the event loop (issue 16: ten
sessions sending their queued messages stalled the loop on the writer at every send)."""

from __future__ import annotations

import pytest

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.persistence.store import Store
from tui_app.workspace.draft_codec import QueuedMessage
from tui_app.workspace.drafts import Drafts
from tui_app.workspace.workspace import Workspace


async def test_a_queue_set_again_and_again_reads_the_draft_once(
    workspace: Workspace, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await workspace.open_session("Queued")
    reads: list[str] = []
    read = store.draft

    def counted(session_id: str) -> str:
        reads.append(session_id)
        return read(session_id)

    monkeypatch.setattr(store, "draft", counted)
    queue = tuple(QueuedMessage(f"message {n}") for n in range(5))
    for left in range(len(queue), -1, -1):
        workspace.drafts.set_queued(session, queue[len(queue) - left :])
    assert len(reads) <= 1

    workspace.draft_changed("typed after")
    workspace.drafts.set_queued(session, (QueuedMessage("last"),))
    assert workspace.drafts.load(session) == "typed after"
    assert await workspace.save_all(10)
    assert len(reads) <= 1
    later = Drafts(lambda _: store)
    assert (later.load(session), later.queued(session)) == ("typed after", (QueuedMessage("last"),))
