"""The first screen after launch is a light shell (issue 16): on the CLI's way to it, neither the
HTTP stack, the wire models, the keyring nor the screens behind keys are imported; they come
after the first paint (the live connection's thread, or the key that opens a screen). Checked
in a fresh process each (`tests/first_paint_imports.py`): one test's imports would hide
another's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import connection_to
from tests.stored_sessions import two_sessions
from tui_app.server.runner import EmbeddedServer

REPO = Path(__file__).resolve().parents[2]

AFTER_FIRST_PAINT = (
    # The HTTP stack, the services' adapters and wire models (pydantic models, msgspec).
    "httpx",
    "httpx_sse",
    "msgspec",
    "tui_app.backends.http_backend",
    "tui_app.backends.casedev",
    "tui_app.backends.stewrd",
    "tui_app.backends.casedev_wire",
    "tui_app.backends.stewrd_wire",
    "tui_app.backends.wire_json",
    # The embedded server, the keyring (asked after the first paint, or not at all).
    "starlette",
    "uvicorn",
    "tui_app.server.runner",
    "tui_app.server.app",
    "keyring",
    # The screens behind keys, and what only they use (plotext's chart, tomlkit's writer).
    "tui_app.ui.screens.cockpit",
    "tui_app.ui.screens.inbox",
    "tui_app.ui.screens.files_screen",
    "tui_app.ui.screens.file_viewer",
    "tui_app.ui.screens.save_file",
    "tui_app.ui.screens.usage_screen",
    "tui_app.ui.screens.settings_screen",
    "tui_app.ui.screens.search",
    "tui_app.ui.screens.export_screen",
    "tui_app.ui.screens.help",
    "tui_app.ui.screens.audit_log",
    "tui_app.ui.screens.notice_history",
    "tui_app.ui.screens.new_session",
    "tui_app.ui.screens.go_to",
    "tui_app.ui.screens.rename",
    "textual_plotext",
    "plotext",
    "tomlkit",
    # The settings' validation (only when a file or a TUI_APP_ variable gives a value), the
    # Markdown parser and renderer (the first screen draws no Markdown), the crash report's
    # package versions.
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "dotenv",
    "tui_app.settings.settings_schema",
    "markdown_it",
    "rich.markdown",
    "rich.syntax",
    "pygments",
    "tui_app.ui.widgets.transcript.rich_markdown",
    "importlib.metadata",
)


def imported_at_first_paint(data_dir: Path, backend: str = "local", env: dict[str, str] | None = None) -> set[str]:
    found = subprocess.run(
        [sys.executable, "-m", "tests.first_paint_imports", str(data_dir), backend],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True, env={**os.environ, **(env or {})},
    )  # fmt: skip
    return set(found.stdout.split())


def too_early(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in AFTER_FIRST_PAINT))


def test_the_first_screen_on_an_empty_store_imports_none_of_what_comes_after_it(tmp_path: Path) -> None:
    modules = imported_at_first_paint(tmp_path)
    assert "tui_app.ui.app" in modules and "tui_app.ui.widgets.composer" in modules  # (the app was painted)
    assert too_early(modules) == []


async def test_the_first_screen_listing_stored_sessions_imports_none_of_what_comes_after_it(
    server: EmbeddedServer, tmp_path: Path
) -> None:
    await two_sessions(connection_to(server), tmp_path)
    modules = imported_at_first_paint(tmp_path)
    assert "tui_app.persistence.records" in modules
    assert too_early(modules) == []


def test_a_remote_backends_first_screen_imports_none_of_what_comes_after_it(tmp_path: Path) -> None:
    # Its connection is known before the first paint; the address shown is read without httpx.
    modules = imported_at_first_paint(tmp_path, "casedev", {"CASEDEV_API_KEY": "sk_case_" + "7" * 24})
    assert "tui_app.ui.widgets.composer" in modules
    assert too_early(modules) == []


def test_remapped_keys_are_checked_against_every_screen_after_the_first_paint(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"new-session" = "ctrl+n,f6"\n', encoding="utf-8")
    modules = imported_at_first_paint(tmp_path / "data", env={"TUI_APP_CONFIG": str(config)})
    assert "tui_app.ui.widgets.composer" in modules
    assert too_early(modules) == []  # (a file whose values are plainly right is read without pydantic, too)


def test_the_connecting_thread_imports_the_clients_the_first_screen_left_out() -> None:
    # What `cli/app_runner.py` gives the app: the live connection (and the other backends'),
    # with their clients' modules imported on that thread, not later on the app's loop.
    probe = (
        "import json, sys\n"
        "from tui_app.workspace.connecting import clients_loaded, provisional\n"
        "clients = ('httpx', 'tui_app.backends.casedev_wire', 'tui_app.backends.stewrd_wire')\n"
        "before = [m for m in clients if m in sys.modules]\n"
        "clients_loaded(lambda: provisional('local'))()\n"
        "clients_loaded(lambda: (provisional('stewrd'),))()\n"
        "print(json.dumps([before, [m for m in clients if m in sys.modules]]))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(found.stdout) == [[], ["httpx", "tui_app.backends.casedev_wire", "tui_app.backends.stewrd_wire"]]
