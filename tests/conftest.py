"""Shared fixtures: the embedded server on an ephemeral 127.0.0.1 port, and ways to reach it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings
from textual.pilot import Pilot

from tui_app.settings.backend_choice import ApiKey
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

# Hypothesis's per-example deadline is a timed assertion: on a shared, loaded machine it fails
# examples that are merely slow. Correctness is what these tests check.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

# Tests never read or write the developer's real keyring: a key kept there by `tui-app login`
# would change which backend the app picks. Tests that need a keyring set their own.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
# Nor the developer's settings file: its default backend or model would change what tests see.
os.environ["TUI_APP_CONFIG"] = os.path.join(os.path.dirname(__file__), "no-such-dir", "config.toml")
# Nor the developer's sessions: `tui-app ask` keeps its sessions in the data directory. Tests that
# look at the store give their own.
os.environ["TUI_APP_DATA_DIR"] = tempfile.mkdtemp(prefix="tui-app-tests-")


# A server shared by every test of a worker serves however many Stewrd sessions and turns those
# tests make, in whatever order xdist hands them out: Stewrd's own limits (10 active sessions,
# 1,000 credits a key) are tested on servers of their own.
SHARED_LIMITS = {"stewrd_max_active_sessions": 100_000, "stewrd_credits": 10**9}


@pytest.fixture(scope="session")
def server() -> Iterator[EmbeddedServer]:
    """A server that streams as fast as it can: for tests that only need the outcome."""
    with EmbeddedServer(ServerOptions(tokens_per_second=0, **SHARED_LIMITS)) as running:
        yield running


@pytest.fixture(scope="session")
def paced_server() -> Iterator[EmbeddedServer]:
    """A server at a visible pace, for tests that watch a turn while it streams."""
    with EmbeddedServer(ServerOptions(tokens_per_second=50, **SHARED_LIMITS)) as running:
        yield running


CRAWL = 2.0
"""Tokens a second for a test that acts while a turn runs: a reply of about 150 tokens would take
over a minute, so however loaded the machine, the turn is still running when the test acts."""


@pytest.fixture
def crawling_server() -> Iterator[EmbeddedServer]:
    """A server of the test's own whose turns crawl until `release(server)`."""
    with EmbeddedServer(ServerOptions(tokens_per_second=CRAWL)) as running:
        yield running


def release(server: EmbeddedServer) -> None:
    """Let every turn run at full speed from now on (the server reads its pace at each token)."""
    server.registry.options.tokens_per_second = 0


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


@pytest.fixture(autouse=True)
def _fixed_message_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots show message headers with their time: pin it, or every run would differ."""
    if "snap_compare" in request.fixturenames:
        from tui_app.ui.widgets.transcript import message_view

        monkeypatch.setattr(message_view, "clock_text", lambda when, now=None: "" if when is None else "12:00")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` runs two workers a core: most tests wait on loopback HTTP and paced replies, not
    on the CPU, so a 2-core machine finishes in far less time with four (capped at 8)."""
    return min(2 * (os.cpu_count() or 1), 8)
