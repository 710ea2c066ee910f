"""Who may use `tui-app web`: only the person who started it, as Jupyter does it.

The page types into an app holding the user's keys and store, and any local user, process or
web page can reach 127.0.0.1. So each launch makes a random token, printed in the URL; the
page needs it (given once as `?token=`, then kept in a cookie, and the address bar loses it),
and so do the websocket and downloads. The websocket must also come from our own page (its
`Origin`), and every request must name this server in its `Host` (a DNS-rebinding page names
its own). Every URL the server sends comes from its configuration, never from a request.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web
from yarl import URL

from tui_app.server.host_check import LOOPBACK_NAMES, allowed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

TOKEN_PARAMETER = "token"
# textual-serve's scripts, styles and fonts: the same for everyone, and needed before any app runs.
PUBLIC_PREFIX = "/static/"
NO_TOKEN = "tui-app web: open the address printed in the terminal that started it (it carries a token)\n"


class WebAccess:
    """The token of one launch and the checks every request of `tui-app web` passes."""

    def __init__(self, host: str, port: int) -> None:
        self.token = secrets.token_urlsafe(32)
        self.base_url = f"http://{host}:{port}"
        self.port = port
        self._names = LOOPBACK_NAMES | {host}
        # Per port: two `tui-app web` on one machine share the cookies of 127.0.0.1.
        self.cookie = f"tui_app_web_{port}"

    @property
    def launch_url(self) -> str:
        """The address to open: the only place the token is shown."""
        return f"{self.base_url}/?{TOKEN_PARAMETER}={self.token}"

    def _holds_token(self, request: web.Request) -> bool:
        given = request.cookies.get(self.cookie) or request.query.get(TOKEN_PARAMETER) or ""
        return secrets.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not allowed(request.headers.get("Host", ""), self._names, self.port):
            return web.Response(status=400, text="tui-app web: this server answers only to its own address\n")
        if request.path.startswith(PUBLIC_PREFIX):
            return await handler(request)
        if request.path == "/" and TOKEN_PARAMETER in request.query:
            return self._welcome(request)
        if not self._holds_token(request):
            return web.Response(status=403, text=NO_TOKEN)
        if request.path == "/ws" and request.headers.get("Origin") != self.base_url:
            # Browsers let any site open a websocket to 127.0.0.1: only our own page may.
            return web.Response(status=403, text="tui-app web: only its own page may connect\n")
        return await handler(request)

    def _welcome(self, request: web.Request) -> web.StreamResponse:
        """`/?token=...`: the token becomes a cookie, on our own host, and leaves the address bar."""
        given = request.query[TOKEN_PARAMETER]
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return web.Response(status=403, text=NO_TOKEN)
        rest = {name: value for name, value in request.query.items() if name != TOKEN_PARAMETER}
        location = URL(self.base_url + "/").with_query(rest)
        # On another of our names (localhost), go to the configured one with the token still in
        # hand: the cookie must be set where the page and its websocket will live.
        if request.host != self.base_url.removeprefix("http://"):
            location = URL(self.base_url + "/").with_query({**rest, TOKEN_PARAMETER: given})
            return web.Response(status=302, headers={"Location": str(location)})
        response = web.Response(status=302, headers={"Location": str(location)})
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
        return response
