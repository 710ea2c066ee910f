"""`tui-app ask` against a hostile service, as a script runs it: the bytes it writes to stdout
and stderr carry no escape sequence, C1 control or bidi override, whatever the service sent."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.integration.test_hostile_stream import endless_line
from tests.hostile_server import Reply, HOSTILE, KEY, LONE_SURROGATE, HostileServer, Script, json_reply, sse, stream_of, text_part, turn

# ESC, 8-bit CSI/OSC/ST (as UTF-8), BEL, bidi overrides and isolates, zero-width space, lone-surrogate bytes.
RAW_CONTROL = re.compile(
    rb"\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae\x8b]|\xe2\x81[\xa0\xa6-\xa9]|\xef\xbb\xbf|\xed[\xa0-\xbf]"
)


def ask(server: HostileServer, **settings: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "CASEDEV_API_KEY": KEY, "CASEDEV_BASE_URL": server.base_url, **settings}
    env.pop("STEWRD_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--backend", "casedev", "hi"],
        capture_output=True, env=env, timeout=60, check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> None:
    for name, output in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = RAW_CONTROL.search(output)
        assert found is None, f"{name} carries {found.group()!r}: {output[:400]!r}"


@pytest.mark.parametrize("status", [400, 500])
def test_ask_prints_a_hostile_error_body_as_plain_text(status: int) -> None:
    with HostileServer(Script(create=json_reply({"error": {"message": HOSTILE + LONE_SURROGATE}}, status))) as server:
        result = ask(server)
    assert result.returncode != 0
    assert_clean(result)
    if status == 400:
        assert "⟨U+202E⟩evil".encode() in result.stderr and b"[/x]" in result.stderr


def test_ask_prints_a_hostile_reply_and_turn_error_as_plain_text() -> None:
    usage = {"model": HOSTILE, "costMicros": 10**30}
    frames = turn(
        text_part(HOSTILE + LONE_SURROGATE, 2),
        sse("session.usage", {"turnId": "t1", "usage": usage}, 3),
        status="failed",
        error={"message": HOSTILE},
    )
    with HostileServer(Script(respond=stream_of(*frames))) as server:
        result = ask(server)
    assert result.returncode == 1
    assert_clean(result)
    assert "⟨U+202E⟩evil".encode() in result.stdout and b"cost unknown" in result.stdout
    assert "failed: ".encode() in result.stderr and "⟨U+202E⟩evil".encode() in result.stderr


def test_ask_cuts_a_line_past_the_configured_frame_bound() -> None:
    with HostileServer(Script(respond=Reply(chunks=endless_line))) as server:
        result = ask(server, TUI_APP_MAX_FRAME_MIB="1")
    assert result.returncode != 0
    assert_clean(result)
    assert b"larger than 1,048,576 bytes" in result.stderr
