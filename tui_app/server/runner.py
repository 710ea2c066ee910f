"""Run the embedded server on 127.0.0.1, in a thread of this process or in the foreground."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette

from tui_app.server.app import create_app
from tui_app.server.chats import ChatRegistry
from tui_app.server.http_protocol import head_deadline_protocol
from tui_app.server.options import ServerOptions
from tui_app.server.quiet_server import QuietServer

HOST = "127.0.0.1"


def new_local_key() -> str:
    """A random per-run bearer key for the embedded server."""
    return "sk_local_" + secrets.token_urlsafe(24)


def bind(port: int) -> socket.socket:
    """A socket bound to `port` on 127.0.0.1 (0: any free port). Raises OSError (EADDRINUSE)
    when the port is taken, before anything has been printed or opened."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Without it, delayed ACKs add ~40 ms to every request after the first on a connection.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((HOST, port))
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://{HOST}:{sock.getsockname()[1]}"


def _config(app: Any, options: ServerOptions) -> uvicorn.Config:
    # No access log and no log config: uvicorn must never write over the full-screen app.
    return uvicorn.Config(
        app,
        log_config=None,
        log_level="error",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
        http=head_deadline_protocol(options.request_timeout_seconds),
    )


class EmbeddedServer:
    """The local server in a background thread with its own event loop.

    Its own loop keeps the demo agent's pacing independent of the UI's frame work.
    """

    def __init__(
        self,
        options: ServerOptions | None = None,
        port: int = 0,
        api_key: str | None = None,
        store_path: Path | None = None,
    ) -> None:
        """With `store_path`, the Case.dev chats are kept in that SQLite file across restarts."""
        self.api_key = api_key or new_local_key()
        options = options or ServerOptions()
        self._socket = bind(port)
        self.port: int = self._socket.getsockname()[1]
        try:
            self.app = create_app(self.api_key, self.base_url, options, store_path)
        except BaseException:
            self._socket.close()
            raise
        self._server = QuietServer(_config(self.app, options))  # (idle, it does not wake the app's process)
        self._thread = threading.Thread(target=self._run, name="tui-app-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def registry(self) -> ChatRegistry:
        return self.app.state.registry

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def start(self, timeout: float = 10.0) -> EmbeddedServer:
        self._thread.start()
        deadline = threading.Event()
        for _ in range(int(timeout / 0.01)):
            if self._server.started:
                return self
            if not self._thread.is_alive():
                break
            deadline.wait(0.01)
        raise RuntimeError(f"The embedded server did not start on {self.base_url}")

    def stop(self) -> None:
        # Turns still running when the loop ends are interrupted by the stop, not cancelled by a user.
        self.registry.stopping = True
        self._server.request_exit()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._socket.close()
        # After the loop: the turns it cancelled on its way out have published their last events.
        self.registry.close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(sock: socket.socket, app: Starlette) -> None:
    """Run `app` (from `create_app`) on `sock` (from `bind`) in the foreground until interrupted
    (`tui-app serve`), then close its registry."""
    try:
        server = uvicorn.Server(_config(app, app.state.registry.options))
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        app.state.registry.stopping = True
        app.state.registry.close()
        sock.close()
