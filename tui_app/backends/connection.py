"""How to reach one backend: its name, URL and key, and a fresh client for each event loop."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from tui_app.backends.api_key import ApiKey
from tui_app.backends.base import AgentBackend
from tui_app.backends.retry_policy import RetryPolicy
from tui_app.backends.registry import BackendSpec, spec


@dataclass(frozen=True, slots=True)
class Connection:
    """How to build a backend client; a fresh client per event loop (httpx clients are loop-bound)."""

    backend: str
    """A name in the backend registry."""
    base_url: str
    api_key: ApiKey
    notice: str | None = None
    """Something the user should know about this connection (shown once at start)."""
    persistent: bool = True
    """False for an embedded server that could not open its store (another tui-app holds it):
    its sessions end with this run, so the app neither restores nor keeps local sessions."""
    retry: RetryPolicy | None = None
    """Retries and stream bounds (`max_frame_bytes`) for every client; None: the defaults."""

    @property
    def spec(self) -> BackendSpec:
        return spec(self.backend)

    def open_backend(self) -> AgentBackend:
        return self.spec.open(self.base_url, self.api_key, self.retry)

    @property
    def where(self) -> str:
        if self.spec.embedded:
            return "embedded server"
        # A key may be written into the URL (`http://user:KEY@host`): it is never shown. Read
        # with the standard library: the first screen says where it connects without httpx.
        parts = urlsplit(self.base_url)
        if parts.netloc:
            return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        return self.base_url.rpartition("@")[2]  # no authority: nothing before an "@" is shown
