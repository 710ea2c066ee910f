"""A workspace whose connection arrives late: the app is built and painted before the embedded
server runs (`cli/app_runner.py`), with a provisional connection that names the backend; the live
one takes its place before `Workspace.open`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.backends.retry_policy import RetryPolicy
from tui_app.workspace.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Connecting:
    """What the app calls off its loop after its first paint, side by side: `live` gives the
    connection that replaces the provisional one (it may start a server); `more`, the other
    backends a new session may choose, whose stored sessions are restored too (it may wait on a
    keyring)."""

    live: Callable[[], Connection]
    more: Callable[[], Sequence[Connection]] = tuple


Found = TypeVar("Found", Connection, Sequence[Connection])


def clients_loaded(connect: Callable[[], Found]) -> Callable[[], Found]:
    """`connect`, then the modules of its connections' clients imported on the same thread (httpx,
    the adapter, its wire models): the first screen is painted without them, and `Workspace.open`
    on the app's loop then finds them loaded instead of holding the keys up while it imports."""

    def connected() -> Found:
        found = connect()
        for connection in (found,) if isinstance(found, Connection) else found:
            connection.spec.adapter  # noqa: B018 -- the property imports the adapter's module
        return found

    return connected


def provisional(backend: str, retry: RetryPolicy | None = None) -> Connection:
    """Stands for `backend`'s connection until its server is up: a name, no address or key."""
    return Connection(backend, "", ApiKey(""), retry=retry)


def attach(workspace: Workspace, connection: Connection) -> None:
    """`connection` replaces the provisional one of its backend, in its place (the first
    connection stays the default for new sessions), or joins them. Call it before `workspace.open()`."""
    if workspace.connection.backend == connection.backend:
        workspace.connection = connection
    workspace.connections[connection.backend] = connection


def is_open(workspace: Workspace) -> bool:
    """Whether the workspace has its clients (`open` ran): before, no session can start."""
    return bool(workspace._backends)  # (workspace.py is at its size limit: no property there)
