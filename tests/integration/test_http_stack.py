"""The adapters come with httpx but not with its command-line client (click, Pygments, Rich's
progress bars: issue 16, the app's memory at rest), and httpx works as ever. In a fresh process:
one test's imports would hide another's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui_app.server.runner import EmbeddedServer

REPO = Path(__file__).resolve().parents[2]


def test_the_adapters_load_httpx_without_its_command_line_client_and_it_still_talks(server: EmbeddedServer) -> None:
    probe = (
        "import json, sys\n"
        "from tui_app.backends import registry\n"
        "adapters = [registry.spec(name).adapter.__name__ for name in ('casedev', 'stewrd')]\n"
        "import httpx\n"
        "loaded = sorted(m for m in ('click', 'httpx._main', 'rich.progress') if m in sys.modules)\n"
        f"answer = httpx.get({server.base_url!r} + '/agent/v2/chat/nothing-here', timeout=10)\n"
        "import click  # (still there for whoever wants it: the embedded server's uvicorn)\n"
        "print(json.dumps([adapters, loaded, answer.status_code]))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    adapters, loaded, status = json.loads(found.stdout)
    assert adapters == ["CasedevBackend", "StewrdBackend"]
    assert loaded == []
    assert 400 <= status < 500  # an answer from the server, through httpx


def test_with_click_loaded_first_httpx_still_comes_without_its_command_line_client() -> None:
    # The embedded server's uvicorn imports click on the connecting thread (maybe while another
    # thread loads an adapter): click is never refused, only httpx's own command module is left out.
    probe = (
        "import json, sys\n"
        "import click\n"
        "from tui_app.backends import registry\n"
        "registry.spec('casedev').adapter\n"
        "import click.testing  # (a module of click not imported before: still found)\n"
        "print(json.dumps(['httpx._main' in sys.modules, 'click.testing' in sys.modules]))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(found.stdout) == [False, True]
