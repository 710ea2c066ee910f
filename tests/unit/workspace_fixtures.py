"""A workspace on a fresh embedded server (over real HTTP) and a real store in a temporary dir."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import connection_to
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import Settings
from tui_app.workspace.workspace import Workspace


@pytest.fixture
def server_options() -> ServerOptions:
    return ServerOptions(tokens_per_second=0)


@pytest.fixture
def own_server(server_options: ServerOptions) -> Iterator[EmbeddedServer]:
    """A server of the test's own: its faults (`fail_next`) touch no other test."""
    with EmbeddedServer(server_options) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "sessions.db") as opened:
        yield opened


@pytest.fixture
async def workspace(own_server: EmbeddedServer, store: Store) -> AsyncIterator[Workspace]:
    opened = Workspace([connection_to(own_server)], store, Settings())
    opened.start()
    yield opened
    await opened.aclose()
