"""Shared fixtures: the embedded server on an ephemeral 127.0.0.1 port, and ways to reach it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot

from tui_app.config import ApiKey
from tui_app.connect import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer


@pytest.fixture(scope="session")
def server() -> Iterator[EmbeddedServer]:
    """A server that streams as fast as it can: for tests that only need the outcome."""
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as running:
        yield running


@pytest.fixture(scope="session")
def paced_server() -> Iterator[EmbeddedServer]:
    """A server at a visible pace, for tests that watch a turn while it streams."""
    with EmbeddedServer(ServerOptions(tokens_per_second=50)) as running:
        yield running


def connection_to(server: EmbeddedServer) -> Connection:
    return Connection("local", server.base_url, ApiKey(server.api_key))


@pytest.fixture
def connection(server: EmbeddedServer) -> Connection:
    return connection_to(server)


async def wait_until(pilot: Pilot[object], condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until `condition()` holds; fail the test if it never does."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"condition not reached within {timeout} s")
