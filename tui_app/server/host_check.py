"""Only requests addressed to this server: the DNS-rebinding defence.

A web page the user visits can point a name it owns at 127.0.0.1 and then call this server
from the browser as its own origin; only the `Host` header tells such a request apart. So
the server answers only to its loopback names and the host of its configured URL, on its
own port. Starlette's TrustedHostMiddleware compares names only, cannot parse `[::1]:port`,
and answers in plain text: this one checks the port too and answers in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})


def host_names(base_url: str) -> tuple[frozenset[str], int]:
    """The names (lower case, IPv6 in brackets) and the port that `base_url`'s server answers to."""
    parts = urlsplit(base_url)
    name = parts.hostname or ""
    name = f"[{name}]" if ":" in name else name
    return LOOPBACK_NAMES | {name.lower()}, parts.port or 80


def allowed(host: str, names: frozenset[str], port: int) -> bool:
    """Whether a `Host` header value names this server: a known name, alone or with our port."""
    host = host.strip().lower()
    if host.endswith("]") or ":" not in host.rpartition("]")[2]:
        return host in names
    name, _, given = host.rpartition(":")
    return name in names and given == str(port)


class HostCheck:
    """Refuses every request whose Host is not this server's, before anything else runs."""

    def __init__(self, app: ASGIApp, base_url: str, refuse: Callable[[str], Response]) -> None:
        self.app = app
        self.names, self.port = host_names(base_url)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the server has no websocket routes
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        if len(hosts) != 1 or not allowed(hosts[0].decode("latin-1"), self.names, self.port):
            await self.refuse(scope["path"])(scope, receive, send)
            return
        await self.app(scope, receive, send)
