"""A key is never printed, logged, exported, screenshotted or stored in the clear by tui-app.

One full session with a distinctive key: `login` (kept in a keyring), `ask` (key from the
keyring), the app itself streaming a turn with a tool call (with every logger at DEBUG into a
file, and SVG screenshots), then `sessions`, `search`, `export` (Markdown and JSON), `config
show`, failures (an unreachable service, a refused key) and `logout`. Then every byte of every
output and every file left in the test's directory is searched for the key. The only file
allowed to hold it is the keyring's own, which the test chose on purpose.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import wait_until
from tui_app.settings.backend_choice import ApiKey
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.persistence.store import Store
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer

KEY = "sk_case_CANARY_" + "5e1f0c2d9a7b4e3f8c6d" * 2


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args], capture_output=True, text=True, timeout=60, env=env, input=stdin, check=False
    )


async def test_no_artefact_of_a_full_session_contains_the_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.endswith("_BASE_URL")}
    env.update(
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(tmp_path / "keyring-data"),
        XDG_CONFIG_HOME=str(tmp_path / "keyring-config"),
        TUI_APP_DATA_DIR=str(data),
        TUI_APP_CONFIG=str(tmp_path / "config.toml"),
    )
    (tmp_path / "config.toml").write_text('model = "demo/leak-test"\n', encoding="utf-8")
    outputs: list[str] = []

    def cli(*args: str, stdin: str = "", extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        result = run_cli({**env, **(extra or {})}, *args, stdin=stdin)
        outputs.extend((result.stdout, result.stderr))
        return result

    # Everything our code and its HTTP and server stack log, at DEBUG, into a file.
    log_file = tmp_path / "debug.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    loggers = [logging.getLogger(name) for name in ("tui_app", "httpx", "httpcore", "uvicorn", "sse_starlette", "keyring")]
    old_levels = [logger.level for logger in loggers]
    logging.getLogger().addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        with EmbeddedServer(ServerOptions(tokens_per_second=0), api_key=KEY) as server:
            url = server.base_url
            assert cli("login", "casedev", "--key-stdin", "--base-url", url, stdin=KEY + "\n").returncode == 0
            # `ask` keeps its sessions as the app does: in a store of their own here (scanned too),
            # so the app below starts on a new session.
            asks = {"TUI_APP_DATA_DIR": str(tmp_path / "ask-data")}
            assert cli("ask", "--base-url", url, "think, then use a tool", extra=asks).returncode == 0
            assert cli("ask", "--base-url", "http://127.0.0.1:9", "hi", extra=asks).returncode == 1
            refused = cli("ask", "--base-url", url, "hi", extra={**asks, "CASEDEV_API_KEY": KEY[:-1] + "X"})
            assert refused.returncode == 1

            store = Store(data / "tui-app.db")
            app = TuiApp(Connection("casedev", url, ApiKey(KEY)), store=store)
            async with app.run_test(size=(110, 36)) as pilot:
                await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
                app.query_one(Composer).insert("think, then use a tool about the canary")
                await pilot.press("enter")
                await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1)  # type: ignore[union-attr]
                # The reply is drawn at the transcript's frame rate: wait for it, not for the turn.
                await wait_until(pilot, lambda: not app.query_one(TranscriptView).rendering)
                # The usage panel's figures follow at their own pace: the picture must hold them.
                await wait_until(pilot, lambda: "context" in app.export_screenshot(), timeout=30)
                app.save_screenshot("app.svg", str(tmp_path))
                await pilot.press("ctrl+l")
                await pilot.pause(0.3)
                app.save_screenshot("audit.svg", str(tmp_path))
            store.close()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
        for logger, level in zip(loggers, old_levels, strict=True):
            logger.setLevel(level)

    assert cli("sessions").returncode == 0
    assert cli("search", "canary").returncode == 0
    with Store(data / "tui-app.db") as store:
        (record,) = store.sessions()
    assert cli("export", record.id, "--format", "md", "-o", str(tmp_path / "export.md")).returncode == 0
    assert cli("export", record.id[:8], "--format", "json").returncode == 0
    assert cli("export", record.id, "--format", "json", "-o", str(tmp_path / "export.json")).returncode == 0
    shown = cli("config", "show")
    assert f"****{KEY[-4:]}" in shown.stdout
    cli("config", "show", extra={"CASEDEV_API_KEY": KEY})
    assert cli("logout", "casedev").returncode == 0

    # The session really happened: the artefacts are not empty.
    assert log_file.stat().st_size > 0 and "HTTP Request" in log_file.read_text(encoding="utf-8")
    assert "context" in (tmp_path / "app.svg").read_text(encoding="utf-8")
    assert "demo_search" in (tmp_path / "export.md").read_text(encoding="utf-8")
    assert any("canary" in text for text in outputs)

    needle = KEY.encode()
    keyring_file = tmp_path / "keyring-data" / "python_keyring" / "keyring_pass.cfg"
    for number, text in enumerate(outputs):
        assert KEY not in text, f"output {number} contains the key"
    checked = 0
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        if path == keyring_file:
            continue  # the keyring the test chose: keeping the key is its job
        assert needle not in path.read_bytes(), f"{path} contains the key"
        checked += 1
    names = {p.name for p in tmp_path.rglob("*")}
    assert {"tui-app.db", "debug.log", "app.svg", "audit.svg", "export.md", "export.json", "config.toml"} <= names
    assert checked >= 6
