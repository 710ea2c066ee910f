"""`tui-app` as a user runs it: a subprocess, its stdout and its exit status."""

from __future__ import annotations

import re
import subprocess
import sys

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


def test_ask_on_an_unreachable_backend_fails_with_a_clear_message_and_no_key() -> None:
    secret = "sk_case_" + "s3cr3t" * 4
    result = subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--base-url", "http://127.0.0.1:9", "hi"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"CASEDEV_API_KEY": secret, "PATH": "/usr/bin:/bin"},
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
