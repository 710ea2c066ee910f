"""Turn settings into a live backend: start the embedded server if the local backend is chosen.

The server's modules (uvicorn, Starlette) are imported only when a server starts: the app
starts it after its first paint (`cli/app_runner.py`), so they are not on the way to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tui_app.backends import registry
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.backends.retry_policy import RetryPolicy
from tui_app.settings.backend_choice import KeyLookup, remote_settings

if TYPE_CHECKING:
    from tui_app.server.runner import EmbeddedServer


LOCAL_SERVER_FILE = "local-server.db"


def _embedded_server(tokens_per_second: float, data: Path | None) -> tuple[EmbeddedServer, str | None]:
    """The embedded server, keeping its chats in `data` when it can; else in memory, with why."""
    from tui_app.server.chat_store import ChatStoreError
    from tui_app.server.options import ServerOptions
    from tui_app.server.runner import EmbeddedServer

    options = ServerOptions(tokens_per_second=tokens_per_second)
    if data is None:
        return EmbeddedServer(options), None
    try:
        return EmbeddedServer(options, store_path=data / LOCAL_SERVER_FILE), None
    except ChatStoreError as error:
        # Most often another tui-app holds the file: this one still works, but forgets on exit.
        notice = f"Local sessions of this run will not be kept: {error}"
        return EmbeddedServer(ServerOptions(tokens_per_second=tokens_per_second)), notice


@contextmanager
def connect(
    backend: str,
    base_url: str | None = None,
    tokens_per_second: float = 40.0,
    data: Path | None = None,
    stored: KeyLookup | None = None,
    retry: RetryPolicy | None = None,
) -> Iterator[Connection]:
    """Yield a connection to `backend`; for the embedded one, run the server for the duration,
    keeping its chats in the data directory `data` (if given) so local sessions outlive the app.
    A remote backend's key comes from the environment, else from `stored` (the keyring)."""
    if registry.spec(backend).embedded:
        server, notice = _embedded_server(tokens_per_second, data)
        with server:
            yield Connection(
                backend, server.base_url, ApiKey(server.api_key), notice, persistent=notice is None or data is None, retry=retry
            )
        return
    settings = remote_settings(backend, base_url, stored=stored) if stored else remote_settings(backend, base_url)
    yield Connection(settings.backend, settings.base_url, settings.api_key, retry=retry)
