"""`tui-app` as a user runs it: a subprocess, its stdout and its exit status."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from httpx_sse import connect_sse

from tests.server_client import frames, text_of
from tui_app.server import demo_agent


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_ask_streams_the_reply_and_prints_a_cost_summary() -> None:
    result = run_cli("ask", "--speed", "0", "hello from a script")
    assert result.returncode == 0, result.stderr
    reply = demo_agent.reply([], "hello from a script")
    assert result.stdout.startswith(reply + "\n")
    summary = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"cost \$(\d+)\.(\d+) · (\d+) input tokens · (\d+) output tokens · (\S+)", summary)
    assert match, summary
    output_tokens = int(match[4])
    assert output_tokens == demo_agent.count_tokens(reply)
    micros = int(match[1]) * 1_000_000 + int(match[2].ljust(6, "0"))
    assert micros == demo_agent.cost_micros(int(match[3]), output_tokens)


def test_ask_on_an_unreachable_backend_fails_with_a_clear_message_and_no_key(tmp_path: Path) -> None:
    secret = "sk_case_" + "s3cr3t" * 4
    result = subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--base-url", "http://127.0.0.1:9", "hi"],
        capture_output=True,
        text=True,
        timeout=60,
        # Its own home and data: never the machine's store, which another version may have upgraded.
        env={"CASEDEV_API_KEY": secret, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TUI_APP_DATA_DIR": str(tmp_path / "data")},
        check=False,
    )
    assert result.returncode == 1
    assert "Could not reach Case.dev at http://127.0.0.1:9" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_help_lists_every_command_and_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for word in ("run", "ask", "serve", "--backend", "--base-url", "--model", "--speed", "--port", "--version"):
        assert word in result.stdout, word


def test_serve_help_documents_every_knob() -> None:
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for flag in (
        "--port", "--speed", "--resume-delay", "--idle-scale", "--heartbeat", "--drop-stream-after",
        "--fail-next", "--seed", "--read-only-key-env", "--stewrd-free-key-env", "--stewrd-credits",
        "--stewrd-max-sessions", "--stewrd-history-cap",
    ):
        assert flag in result.stdout, flag


@contextmanager
def serving(*flags: str, key: str) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TUI_APP_SERVER_KEY": key}
    server = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "serve", "--port", str(port), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for _ in range(200):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port, server
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_serve_applies_its_fault_flags() -> None:
    key = "sk_local_test_" + "f" * 20
    with serving("--speed", "0", "--fail-next", "503x2", "--drop-stream-after", "3", key=key) as (port, _):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}) as http:
            assert [http.post("/agent/v1/chat", json={}).status_code for _ in range(3)] == [503, 503, 200]
            chat = http.post("/agent/v1/chat", json={}).json()["id"]
            body = http.post(f"/agent/v1/chat/{chat}/respond", json={"parts": [{"type": "text", "text": "x"}]}).text
    assert body.count("event:") == 3


def test_serve_runs_a_standalone_server_that_ask_reaches_through_casedev_settings() -> None:
    key = "sk_local_test_" + "k" * 20
    with serving("--speed", "0", key=key) as (port, server):
        ask_env = {**os.environ, "CASEDEV_API_KEY": key, "CASEDEV_BASE_URL": f"http://127.0.0.1:{port}"}
        result = subprocess.run(
            [sys.executable, "-m", "tui_app", "ask", "hi"], capture_output=True, text=True, env=ask_env, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(demo_agent.reply([], "hi"))
        server.terminate()
        out, _ = server.communicate(timeout=10)
    assert f"CASEDEV_BASE_URL=http://127.0.0.1:{port}" in out


def test_ask_reaches_a_standalone_server_as_stewrd_too() -> None:
    key = "sk-stw_" + "s" * 24
    with serving("--speed", "0", key=key) as (port, _):
        env = {**os.environ, "STEWRD_API_KEY": key, "STEWRD_BASE_URL": f"http://127.0.0.1:{port}"}
        env.pop("CASEDEV_API_KEY", None)
        result = subprocess.run(
            [sys.executable, "-m", "tui_app", "ask", "--backend", "stewrd", "hello stewrd"],
            capture_output=True, text=True, env=env, timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(demo_agent.reply([], "hello stewrd"))
    assert result.stdout.strip().splitlines()[-1].startswith("cost 1 credit ·")
    assert key not in result.stdout + result.stderr


def test_serve_with_a_store_keeps_its_chats_across_restarts(tmp_path: Path) -> None:
    key = "sk_local_test_" + "p" * 20
    store = tmp_path / "served.db"
    headers = {"Authorization": f"Bearer {key}"}

    def respond(port: int, chat: str, text: str) -> str:
        with httpx.Client(headers=headers, timeout=30) as http:
            base = f"http://127.0.0.1:{port}/agent/v1/chat"
            body = {"parts": [{"type": "text", "text": text}]}
            with connect_sse(http, "POST", f"{base}/{chat}/respond", json=body) as source:
                return text_of(frames(source))

    with serving("--speed", "0", "--store", str(store), key=key) as (port, _):
        chat = httpx.post(f"http://127.0.0.1:{port}/agent/v1/chat", json={}, headers=headers).json()["id"]
        respond(port, chat, "remember")
    with serving("--speed", "0", "--store", str(store), key=key) as (port, _):
        reply = respond(port, chat, "and?")
    assert "turn 2" in reply and "“remember”" in reply
