"""`tui-app` with no command: the full-screen app, built and painted before the embedded server
starts, before any HTTP client exists and before the keyring is asked for the other backends'
keys. The app gets a provisional connection and a `connecting` callable, which it calls on a
worker thread once its first screen is written (`ui/flows/first_paint.py`); the server stops
when the app has ended. A remote backend's own settings are read before (a missing key is said
at once, exit 2).
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from tui_app.backends import registry
from tui_app.backends.connection import Connection
from tui_app.backends.retry_policy import RetryPolicy
from tui_app.cli import crash
from tui_app.cli.connect import connect
from tui_app.cli.secret_mask import SecretMask
from tui_app.persistence.store_access import open_store
from tui_app.settings.backend_choice import KeyLookup, data_dir
from tui_app.settings.user_settings import LoadedSettings
from tui_app.workspace.connecting import Connecting, clients_loaded, provisional


class LateServer:
    """The embedded server, started when the app asks (from any thread), stopped by `close`,
    even if the app ended while it was starting."""

    def __init__(self, backend: str, speed: float, data: Path, retry: RetryPolicy | None, mask: SecretMask) -> None:
        self._args = (backend, None, speed, data)
        self._retry = retry
        self._mask = mask
        self._running = ExitStack()
        self._lock = threading.Lock()
        self._closed = False

    def connect(self) -> Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError("the app has ended")
            live = self._running.enter_context(connect(*self._args, retry=self._retry))
        self._mask.add(live.api_key.reveal())
        return live

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._running.close()


def load_first_screen() -> None:
    """Import the app's first screen; `main` does it before the backend choice, which may wait
    for the keyring's child process meanwhile."""
    import tui_app.ui.app  # noqa: F401


def run_app(
    args: argparse.Namespace,
    loaded: LoadedSettings,
    backend: str,
    model: str | None,
    stored: KeyLookup,
    retry: RetryPolicy | None,
    mask: SecretMask,
    more: Callable[[], tuple[Connection, ...]],
) -> int:
    """Run the app until it ends; its exit status (70 and a crash report if it crashed). `more`
    gives the other backends a new session may choose (it may ask the keyring: it is called
    after the first paint, off the app's loop)."""
    from tui_app.cli.activity_log import log_activity
    from tui_app.ui.app import TuiApp
    from tui_app.ui.remembered import Remembered

    directory = data_dir(args.data_dir)
    store = open_store(directory)
    with ExitStack() as running:
        running.callback(store.close)
        if registry.spec(backend).embedded:
            server = LateServer(backend, args.speed, directory, retry, mask)
            running.callback(server.close)  # (before the store closes: the app's last writes are done)
            first, live = provisional(backend, retry), server.connect
        else:
            first = running.enter_context(connect(backend, args.base_url, stored=stored, retry=retry))
            mask.add(first.api_key.reveal())
            live = lambda: first  # noqa: E731  (its client opens after the first paint)
        app = TuiApp(
            first,
            model=model,
            store=store,
            settings=loaded,
            remembered=Remembered.load(directory),
            connecting=Connecting(clients_loaded(live), clients_loaded(more)),
        )
        log_activity(app.workspace)
        return crash.run_app(app, directory, mask)
