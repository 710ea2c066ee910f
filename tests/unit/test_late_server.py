"""The app starts without its server (issue 16): neither the CLI nor the app imports the server's
modules on the way to the first paint, and the embedded server starts only when the app asks for
its connection (`cli/app_runner.LateServer`), and stops with the app, even one that has ended
while the server was starting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tui_app.cli.app_runner import LateServer
from tui_app.cli.secret_mask import SecretMask

SERVER_MODULES = ("uvicorn", "starlette", "tui_app.server.runner", "tui_app.server.app")


def test_neither_the_cli_nor_the_app_imports_the_server() -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import sys, tui_app.cli.main, tui_app.ui.app; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert [m for m in found if m.split(".")[0] in SERVER_MODULES or m in SERVER_MODULES] == []


def test_the_server_runs_from_the_apps_call_until_it_is_closed(tmp_path: Path) -> None:
    mask = SecretMask([])
    late = LateServer("local", 0.0, tmp_path, None, mask)
    assert not (tmp_path / "local-server.db").exists()  # nothing started by building it
    connection = late.connect()
    try:
        assert connection.persistent and (tmp_path / "local-server.db").exists()
        assert httpx.get(f"{connection.base_url}/", timeout=10).status_code < 500
        assert mask(f"key {connection.api_key.reveal()}") != f"key {connection.api_key.reveal()}"
    finally:
        late.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{connection.base_url}/", timeout=2)
    with pytest.raises(RuntimeError):
        late.connect()  # the app ended first: no server outlives it
