"""Run the embedded server on 127.0.0.1, in a thread of this process or in the foreground."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from pathlib import Path
from typing import Any

import uvicorn

from tui_app.server.app import create_app
from tui_app.server.chats import ChatRegistry
from tui_app.server.options import ServerOptions

HOST = "127.0.0.1"


def new_local_key() -> str:
    """A random per-run bearer key for the embedded server."""
    return "sk_local_" + secrets.token_urlsafe(24)


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Without it, delayed ACKs add ~40 ms to every request after the first on a connection.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((HOST, port))
    sock.set_inheritable(True)
    return sock


def _config(app: Any) -> uvicorn.Config:
    # No access log and no log config: uvicorn must never write over the full-screen app.
    return uvicorn.Config(
        app, log_config=None, log_level="error", access_log=False, lifespan="off", timeout_graceful_shutdown=1
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
        self.app = create_app(self.api_key, options, store_path)
        try:
            self._socket = _bind(port)
        except BaseException:
            self.registry.close()  # release the store: it is locked while open
            raise
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(_config(self.app))
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
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._socket.close()
        # After the loop: the turns it cancelled on its way out have published their last events.
        self.registry.close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(
    port: int, api_key: str, options: ServerOptions | None = None, store_path: Path | None = None
) -> None:
    """Run the server in the foreground until interrupted (`tui-app serve`); with `store_path`,
    its Case.dev chats outlive it."""
    app = create_app(api_key, options, store_path)
    try:
        server = uvicorn.Server(_config(app))
        asyncio.run(server.serve(sockets=[_bind(port)]))
    finally:
        app.state.registry.stopping = True
        app.state.registry.close()
