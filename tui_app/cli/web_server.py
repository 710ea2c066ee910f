"""textual-serve's server, fitted to tui-app: quiet, announcing its URL once it listens, and
running one app at a time (a reload waits for the old page's app to quit; a second tab is told
to close the first).

Imported only by `tui-app web`: aiohttp is slow to import and no other command needs it.
"""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from tui_app.cli.web_access import WebAccess

# textual-serve's page with its fonts from its own static files rather than Google Fonts.
PAGE_TEMPLATES = Path(__file__).with_name("web_page")

# How long a new page waits for the app of a page just closed to quit (it closes its store and
# embedded server on the way out, well under a second here) before calling itself a second tab.
QUIT_WAIT_SECONDS = 10.0
SECOND_TAB_MESSAGE = (
    "\x1b[2J\x1b[H"  # clear the terminal, cursor home
    "tui-app is already open in another tab.\n\n"
    "Its sessions are kept in a store that one app at a time may use.\n"
    "Close the other tab, then reload this page.\n\n"
    "(For a second app, run another `tui-app web --port N --data-dir DIR`.)\n"
)


class TuiAppServer(Server):
    """A `tui-app run` process for the browser connection, as textual-serve runs one; one at a time."""

    def __init__(self, command: str, host: str, port: int) -> None:
        # Bound here, not by aiohttp: with port 0 the system picks one, and the launch URL, the
        # Host check and the cookie's name all need the real number before the first request.
        self._socket = socket.create_server((host, port))
        port = self._socket.getsockname()[1]
        super().__init__(command, host=host, port=port, title="tui-app", templates_path=PAGE_TEMPLATES)
        self.access = WebAccess(host, port)
        # Connections (each one task) running an app, and those among them whose tab has gone.
        self._apps: set[asyncio.Task[Any]] = set()
        self._quitting: set[asyncio.Task[Any]] = set()
        # Every open page's socket, with an app or refused: closed on shutdown.
        self._sockets: set[web.WebSocketResponse] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.insert(0, self.access.guard)  # before any route: token, Host and Origin
        return app

    async def on_startup(self, app: web.Application) -> None:
        pass  # textual-serve prints a banner here, before the port is even bound

    async def on_shutdown(self, app: web.Application) -> None:
        # Ctrl+C with tabs open: aiohttp would wait 60 s for their sockets, then cancel their
        # handlers before the apps had quit. Closing the sockets ends each tab as if the browser
        # had left: its app is told to quit and waited for.
        await asyncio.gather(*(websocket.close() for websocket in self._sockets))

    def serve(self, debug: bool = False) -> None:
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(), sock=self._socket, loop=loop, handle_signals=False,
            access_log=None,  # a line per static file and websocket is noise in the user's terminal
            print=self._announce,  # aiohttp calls it once the socket listens
        )

    def _announce(self, _banner: str) -> None:
        # A script may connect as soon as it reads this line. Plain print, not Rich's console,
        # which wraps long lines (to 80 columns when piped).
        print(f"tui-app web on {self.access.launch_url}  (Ctrl+C to stop)", flush=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        # The token, the Host and the Origin were checked on the way in (WebAccess.guard).
        task = asyncio.current_task()
        assert task is not None
        # A reload closes the old page's socket just before the new page opens its own: let the
        # old app finish quitting (it releases the store on the way out) before deciding.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + QUIT_WAIT_SECONDS
        while self._quitting and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if self._apps:
            return await self._refuse_second_tab(request)
        self._apps.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._apps.discard(task)
            self._quitting.discard(task)

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: Any) -> None:
        self._sockets.add(websocket)
        try:
            await super()._process_messages(websocket, app_service)
        finally:
            self._sockets.discard(websocket)
            # The browser has gone; handle_websocket now tells the app to quit and waits for it.
            # Both run in the connection's one task, which names this connection.
            if (task := asyncio.current_task()) is not None:
                self._quitting.add(task)

    async def _refuse_second_tab(self, request: web.Request) -> web.WebSocketResponse:
        """Tell a second tab why it gets no app, in its terminal, and hold it until it leaves.

        Two apps on one data directory is what this prevents: the second cannot open the
        embedded server's file, falls back to an in-memory server that knows none of the
        stored local sessions, and marks them all expired for good."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self._sockets.add(websocket)
        try:
            await websocket.send_bytes(SECOND_TAB_MESSAGE.replace("\n", "\r\n").encode())
            async for _message in websocket:
                pass  # pings, keys, resizes: nothing to answer; the page waits for a reload
        finally:
            self._sockets.discard(websocket)
        return websocket
