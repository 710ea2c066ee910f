"""The app's keyring look-ups run in a child process (`settings/key_lookup.py`), so what keyring
imports to find its backend never stays in the app's memory (issue 16: the peak RSS). A real
keyring here: keyrings.alt's file backend, chosen explicitly, its file in the test's directory.
Each check runs in a fresh process: only there does `sys.modules` tell whether keyring came in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEY = "sk_case_apart_" + "5" * 24

LOOK_UP = (
    "import json, sys\n"
    "from tui_app.settings.key_lookup import stored_key_apart\n"
    "print(json.dumps([stored_key_apart('casedev'), stored_key_apart('stewrd'), 'keyring' in sys.modules]))\n"
)


def environment(tmp_path: Path, backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(PYTHON_KEYRING_BACKEND=backend, XDG_DATA_HOME=str(tmp_path / "xdg-data"), XDG_CONFIG_HOME=str(tmp_path / "xdg-config"))
    return env


def python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_a_stored_key_is_read_by_a_child_process_and_keyring_stays_out_of_the_asker(tmp_path: Path) -> None:
    env = environment(tmp_path, "keyrings.alt.file.PlaintextKeyring")
    python(env, f"from tui_app.settings.api_keys import store_key; store_key('casedev', {KEY!r})")
    assert json.loads(python(env, LOOK_UP)) == [KEY, None, False]


def test_no_usable_keyring_reads_as_no_key(tmp_path: Path) -> None:
    # keyring's fail backend: `stored_key` says None, and so does the child.
    assert json.loads(python(environment(tmp_path, "keyring.backends.fail.Keyring"), LOOK_UP)) == [None, None, False]
