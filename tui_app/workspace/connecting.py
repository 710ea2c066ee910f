"""A workspace whose connection arrives late: the app is built and painted before the embedded
server runs (`cli/app_runner.py`), with a provisional connection that names the backend; the live
one takes its place before `Workspace.open`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.backends.http_backend import RetryPolicy
from tui_app.workspace.workspace import Workspace


Connecting = Callable[[], Sequence[Connection]]
"""Called off the loop after the app's first paint: the live connections, the first for the
provisional one's backend, then those of other backends a new session may choose."""


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
