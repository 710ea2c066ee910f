"""The app's keyring look-ups run in one child process started with the app
(`settings/keyring_child.py`), so what keyring imports to find its backend never stays in the
app's memory (issue 16: the peak RSS). The keyrings here are real: keyrings.alt's file backend
chosen explicitly, or a backend module written by the test (one that fails, hangs or reports its
environment), put on the asking process's path. Each check runs in a fresh process: only there
does `sys.modules` tell whether keyring came in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEY = "sk_case_child_" + "5" * 24

ASK = (
    "import json, os, sys, threading\n"
    "from tui_app.settings.backend_choice import key_variables\n"
    "from tui_app.settings.keyring_child import KeyringChild\n"
    "from tui_app.settings import keyring_process\n"
    "made = []\n"
    "for kind in (keyring_process.Forked, keyring_process.Spawned):\n"
    "    kind.__init__ = (lambda real, kind: lambda self, *a: (made.append(kind.__name__), real(self, *a))[1])(kind.__init__, kind)\n"
    "threaded = sys.argv[2] == 'thread'\n"
    "child = KeyringChild(['casedev', 'stewrd'], drop=key_variables(), limit=float(sys.argv[1]), at_once=not threaded)\n"
    "found = []\n"
    "ask = lambda: found.extend([child.stored_key('casedev'), child.stored_key('stewrd')])\n"
    "if threaded:  # as the app's connecting thread asks, once the app runs threads\n"
    "    asker = threading.Thread(target=ask)\n"
    "    asker.start()\n"
    "    asker.join()\n"
    "else:\n"
    "    ask()\n"
    "child.close()\n"
    "try:\n"
    "    left = os.waitpid(-1, os.WNOHANG) is not None  # a child not reaped, or still running\n"
    "except ChildProcessError:\n"
    "    left = False\n"
    "print(json.dumps([*found, 'keyring' in sys.modules, left, made]))\n"
)

WAYS = {"at the start": ("main", ["Forked"]), "from a thread": ("thread", ["Spawned"])}
"""How the child is made: a copy of the process at the start (no thread yet), a new interpreter
once the process runs threads."""

BACKENDS = '''
import os, time
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

class Broken(KeyringBackend):
    priority = 1
    def get_password(self, service, username):
        raise RuntimeError("the keystore is damaged")
    def set_password(self, service, username, password): pass
    def delete_password(self, service, username): raise PasswordDeleteError()

class Hanging(Broken):
    def get_password(self, service, username):
        time.sleep(3600)

class Telling(Broken):
    def get_password(self, service, username):
        return "keys in my environment: " + ",".join(sorted(n for n in os.environ if n.endswith("_API_KEY")))
'''


def environment(tmp_path: Path, backend: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    (tmp_path / "test_backends.py").write_text(BACKENDS, encoding="utf-8")
    env.update(
        PYTHON_KEYRING_BACKEND=backend,
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        PYTHONPATH=str(tmp_path),
    )
    env.update(extra)
    return env


def run_python(env: dict[str, str], *argv: str, cwd: Path = REPO, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`python -c ARGV...` in a fresh interpreter, the repo first on its path, with `env`."""
    return subprocess.run(
        [sys.executable, "-c", *argv], cwd=cwd, env={**env, "PYTHONPATH": f"{REPO}{os.pathsep}{env['PYTHONPATH']}"},
        capture_output=True, text=True, timeout=120, check=check,
    )  # fmt: skip


def ask(env: dict[str, str], limit: float = 120.0, cwd: Path = REPO, way: str = "at the start") -> list[object]:
    done = run_python(env, ASK, str(limit), WAYS[way][0], cwd=cwd)
    found = json.loads(done.stdout)
    assert found.pop() == WAYS[way][1]
    return found  # type: ignore[no-any-return]


def store(env: dict[str, str]) -> None:
    code = f"from tui_app.settings.api_keys import store_key; store_key('casedev', {KEY!r})"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, timeout=120)


@pytest.mark.parametrize("way", WAYS)
def test_a_stored_key_is_read_by_the_child_and_keyring_stays_out_of_the_asker(tmp_path: Path, way: str) -> None:
    env = environment(tmp_path, "keyrings.alt.file.PlaintextKeyring")
    store(env)
    assert ask(env, way=way) == [KEY, None, False, False]


def test_no_usable_keyring_reads_as_no_key(tmp_path: Path) -> None:
    assert ask(environment(tmp_path, "keyring.backends.fail.Keyring")) == [None, None, False, False]


@pytest.mark.parametrize("way", WAYS)
def test_a_keyring_failing_in_its_own_way_reads_as_no_key(tmp_path: Path, way: str) -> None:
    assert ask(environment(tmp_path, "test_backends.Broken"), way=way) == [None, None, False, False]


@pytest.mark.parametrize("way", WAYS)
def test_a_keyring_that_never_answers_reads_as_no_key_once_the_limit_passed_and_its_child_is_ended(tmp_path: Path, way: str) -> None:
    assert ask(environment(tmp_path, "test_backends.Hanging"), limit=1.0, way=way) == [None, None, False, False]


@pytest.mark.parametrize("way", WAYS)
def test_the_child_is_not_given_the_keys_of_the_environment(tmp_path: Path, way: str) -> None:
    env = environment(tmp_path, "test_backends.Telling", CASEDEV_API_KEY="sk_case_" + "8" * 24, OTHER_API_KEY="x")
    told = ask(env, way=way)
    assert told[0] == "keys in my environment: OTHER_API_KEY"  # (not a backend's key: kept)


@pytest.mark.parametrize("way", WAYS)
def test_a_keyring_package_in_the_working_directory_is_not_the_one_asked(tmp_path: Path, way: str) -> None:
    # The app may be started inside any checked-out project: its files are not code to run.
    env = environment(tmp_path, "keyrings.alt.file.PlaintextKeyring")
    store(env)
    project = tmp_path / "project"
    (project / "keyring").mkdir(parents=True)
    (project / "keyring" / "__init__.py").write_text(f"open({str(tmp_path / 'imported')!r}, 'w').close()\n", encoding="utf-8")
    assert ask(env, cwd=project, way=way) == [KEY, None, False, False]
    assert not (tmp_path / "imported").exists()


def test_the_app_command_asks_the_keyring_through_one_child_and_chooses_the_backend_it_answers_for(tmp_path: Path) -> None:
    # `tui-app ask` takes the app's road: no --backend, no key in the environment.
    env = environment(tmp_path, "keyrings.alt.file.PlaintextKeyring", TUI_APP_DATA_DIR=str(tmp_path / "data"))
    store(env)
    code = (
        "import os, sys, subprocess\n"
        "import importlib\n"
        "cli = importlib.import_module('tui_app.cli.main')\n"
        "started = []\n"
        "real = subprocess.Popen\n"
        "def counted(argv, *a, **k):\n"
        "    started.append(argv)\n"
        "    return real(argv, *a, **k)\n"
        "subprocess.Popen = counted\n"
        "real_fork = os.fork\n"
        "def forked():\n"
        "    started.append('fork')\n"
        "    return real_fork()\n"
        "os.fork = forked\n"
        "code = cli.main(['ask', '--base-url', 'http://127.0.0.1:9', 'hi'])\n"
        "print(code, started, 'keyring' in sys.modules, file=sys.stderr)\n"
    )
    done = run_python(env, code, check=False)
    # The key was found (the address refuses: a connection error, not a missing key), by one child.
    assert "tui-app login" not in done.stderr
    # A copy of the process made before it has a thread: the keyring costs no new interpreter.
    assert done.stderr.strip().splitlines()[-1] == "1 ['fork'] False"
    assert KEY not in done.stdout + done.stderr


def test_a_start_whose_backend_is_named_asks_the_keyring_only_when_a_key_is_wanted(tmp_path: Path) -> None:
    # `--backend local`: the first paint needs no key; the other backends' keys come later.
    env = environment(tmp_path, "keyrings.alt.file.PlaintextKeyring")
    store(env)
    code = (
        "import json, sys\n"
        "from tui_app.settings.backend_choice import choice_asks_keyring, keyring_names\n"
        "from tui_app.settings.keyring_child import KeyringChild\n"
        "child = KeyringChild(keyring_names(), at_once=choice_asks_keyring('local'))\n"
        "before = child.started\n"
        "print(json.dumps([before, child.stored_key('casedev'), child.started, 'keyring' in sys.modules]))\n"
    )
    done = run_python(env, code)
    assert json.loads(done.stdout) == [False, KEY, True, False]
