"""`tui-app login` / `logout` and where keys are looked up: the environment first, then the keyring.

The keyring here is a real one that keeps its file in the test's temporary directory
(keyrings.alt's file backend, chosen explicitly through PYTHON_KEYRING_BACKEND), and keys are
checked against the embedded server over HTTP, started with a known key.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

from tui_app.settings import api_keys as keys
from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

KEY = "sk_case_login_test_" + "7" * 24


@pytest.fixture(scope="module")
def keyed_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0), api_key=KEY) as running:
        yield running


def environment(tmp_path: Path, backend: str = "keyrings.alt.file.PlaintextKeyring", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.endswith("_BASE_URL")}
    env.update(
        PYTHON_KEYRING_BACKEND=backend,
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        TUI_APP_DATA_DIR=str(tmp_path / "data"),
    )
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args], capture_output=True, text=True, timeout=60, env=env, input=stdin, check=False
    )


def test_a_key_the_service_rejects_is_not_stored(keyed_server: EmbeddedServer, tmp_path: Path) -> None:
    env = environment(tmp_path)
    wrong = "sk_case_wrong_" + "x" * 24
    result = run_cli(env, "login", "casedev", "--key-stdin", "--base-url", keyed_server.base_url, stdin=wrong + "\n")
    assert result.returncode == 1
    assert "the key was not stored" in result.stderr and "rejected the API key" in result.stderr
    assert wrong not in result.stdout + result.stderr
    assert "casedev.api_key     (not set)" in run_cli(env, "config", "show").stdout


def test_login_stores_a_checked_key_that_later_runs_use_and_logout_removes_it(
    keyed_server: EmbeddedServer, tmp_path: Path
) -> None:
    env = environment(tmp_path)
    url = keyed_server.base_url
    result = run_cli(env, "login", "casedev", "--key-stdin", "--base-url", url, stdin=KEY + "\n")
    assert result.returncode == 0, result.stderr
    assert f"Case.dev at {url} accepted the key." in result.stdout
    assert "Stored in the keyring (keyrings.alt.file.PlaintextKeyring)" in result.stdout
    assert KEY not in result.stdout + result.stderr

    shown = run_cli(env, "config", "show").stdout
    assert f"****{KEY[-4:]} ({len(KEY)} characters)" in shown and "keyring (tui-app login)" in shown
    assert KEY not in shown

    # With no key in the environment, the kept key selects casedev and authenticates.
    asked = run_cli(env, "ask", "--base-url", url, "hello keyring")
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith(demo_agent.reply([], "hello keyring"))

    # The environment comes first: a wrong key there is used, and refused.
    env_first = run_cli({**env, "CASEDEV_API_KEY": "sk_case_env_" + "y" * 24}, "ask", "--base-url", url, "hi")
    assert env_first.returncode == 1 and "rejected the API key" in env_first.stderr

    out = run_cli(env, "logout", "casedev")
    assert out.returncode == 0 and "Removed the Case.dev key from the keyring." in out.stdout
    assert "No Case.dev key was in the keyring." in run_cli(env, "logout", "casedev").stdout
    gone = run_cli(env, "ask", "--backend", "casedev", "--base-url", url, "hi")
    assert gone.returncode == 2 and "run `tui-app login casedev`" in gone.stderr


def test_a_stewrd_key_is_checked_against_the_stewrd_api(keyed_server: EmbeddedServer, tmp_path: Path) -> None:
    env = environment(tmp_path)
    result = run_cli(env, "login", "stewrd", "--key-stdin", "--base-url", keyed_server.base_url, stdin=KEY + "\n")
    assert result.returncode == 0, result.stderr
    assert "Stewrd at" in result.stdout
    asked = run_cli(env, "ask", "--backend", "stewrd", "--base-url", keyed_server.base_url, "hi stewrd")
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.strip().splitlines()[-1].startswith("cost 1 credit")


def test_without_a_usable_keyring_login_says_so_and_keys_come_from_the_environment(
    keyed_server: EmbeddedServer, tmp_path: Path
) -> None:
    env = environment(tmp_path, backend="keyring.backends.fail.Keyring")
    result = run_cli(env, "login", "casedev", "--key-stdin", stdin=KEY + "\n")
    assert result.returncode == 2
    assert "cannot keep keys here: no keyring backend is available on this system" in result.stderr
    assert "Set CASEDEV_API_KEY in the environment instead" in result.stderr
    assert not (tmp_path / "xdg-data").exists()  # and no file was written instead
    missing = run_cli(env, "ask", "--backend", "casedev", "hi")
    assert missing.returncode == 2 and "No keyring here" in missing.stderr
    shown = run_cli(env, "config", "show").stdout
    assert "keyring: none usable: no keyring backend is available" in shown
    from_env = run_cli({**env, "CASEDEV_API_KEY": KEY}, "ask", "--base-url", keyed_server.base_url, "hi")
    assert from_env.returncode == 0, from_env.stderr


def test_a_plain_file_keyring_is_never_picked_silently(tmp_path: Path) -> None:
    found = keys.status(PlaintextKeyring(), env={})
    assert not found.usable
    assert "is not an OS keystore" in found.reason and "PYTHON_KEYRING_BACKEND" in found.reason
    chosen = keys.status(PlaintextKeyring(), env={"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"})
    assert chosen.usable and "keyring_pass.cfg" in chosen.reason


def test_login_without_a_terminal_needs_key_stdin(tmp_path: Path) -> None:
    result = run_cli(environment(tmp_path), "login", "casedev")
    assert result.returncode == 2 and "--key-stdin" in result.stderr


def test_the_login_prompt_does_not_echo_the_key(keyed_server: EmbeddedServer, tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "login", "casedev", "--base-url", keyed_server.base_url],
        stdin=secondary, stdout=secondary, stderr=secondary, env=environment(tmp_path), start_new_session=True,
    )
    os.close(secondary)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while marker not in seen and time.monotonic() < deadline:
            if select.select([primary], [], [], 0.2)[0]:
                try:
                    seen += os.read(primary, 4096)
                except OSError:  # the child closed the terminal
                    return

    read_until(b"(not shown): ")
    os.write(primary, KEY.encode() + b"\n")
    read_until(b"Stored in the keyring")
    assert process.wait(timeout=30) == 0, seen
    os.close(primary)
    assert b"Case.dev API key (not shown): " in seen and b"accepted the key" in seen
    assert KEY.encode() not in seen
