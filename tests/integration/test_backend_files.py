"""The adapters' files methods over real HTTP: Case.dev's listing and download (the path sent as
one percent-encoded segment, a size bound), and the base adapter's refusal where there are none."""

from __future__ import annotations

import pytest

from tui_app.backends.base import RemoteFile
from tui_app.backends.connection import Connection
from tui_app.backends.errors import BackendError, NotFound
from tui_app.backends.stewrd import StewrdBackend
from tui_app.core.events import DomainEvent
from tui_app.server import demo_agent
from tui_app.settings.backend_choice import ApiKey
from tui_app.server.runner import EmbeddedServer


async def test_casedev_lists_and_fetches_a_file_in_a_folder(connection: Connection) -> None:
    backend = connection.open_backend()
    try:
        session = await backend.create_session()
        events: list[DomainEvent] = [event async for event in backend.send(session.id, "make a file")]
        assert events
        path, content = demo_agent.demo_file(1, "make a file")
        listed = await backend.list_files(session.id)
        assert RemoteFile(path, len(content.encode())) in listed
        assert await backend.fetch_file(session.id, path) == content.encode()
        with pytest.raises(BackendError, match="larger than 10 bytes"):
            await backend.fetch_file(session.id, path, max_bytes=10)
        with pytest.raises(NotFound):
            await backend.fetch_file(session.id, "notes/none.md")
    finally:
        await backend.aclose()


async def test_stewrd_has_no_file_list_to_ask_for(server: EmbeddedServer) -> None:
    backend = StewrdBackend(server.base_url, ApiKey(server.api_key))
    try:
        assert not backend.capabilities.files
        with pytest.raises(BackendError, match="no files to list"):
            await backend.list_files("sess_x")
    finally:
        await backend.aclose()
