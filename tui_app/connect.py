"""Turn settings into a live backend: start the embedded server if the local backend is chosen."""

from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator
from dataclasses import dataclass

from tui_app.backends.base import AgentBackend
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.stewrd import StewrdBackend
from tui_app.config import ApiKey, BackendName, remote_settings
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer


@dataclass(frozen=True, slots=True)
class Connection:
    """How to build a backend client; a fresh client per event loop (httpx clients are loop-bound)."""

    backend: BackendName
    base_url: str
    api_key: ApiKey

    def open_backend(self) -> AgentBackend:
        if self.backend == "local":
            return CasedevBackend(self.base_url, self.api_key, name="local", service="The local server")
        if self.backend == "stewrd":
            return StewrdBackend(self.base_url, self.api_key)
        return CasedevBackend(self.base_url, self.api_key)

    @property
    def where(self) -> str:
        return "embedded server" if self.backend == "local" else self.base_url


@contextmanager
def connect(backend: BackendName, base_url: str | None = None, tokens_per_second: float = 40.0) -> Iterator[Connection]:
    """Yield a connection to `backend`; for `local`, run the embedded server for the duration."""
    if backend == "local":
        with EmbeddedServer(ServerOptions(tokens_per_second=tokens_per_second)) as server:
            yield Connection("local", server.base_url, ApiKey(server.api_key))
        return
    settings = remote_settings(backend, base_url)
    yield Connection(settings.backend, settings.base_url, settings.api_key)
