"""The log people can find: a malformed frame skipped, a retried request, an error, each leaves a
line in the rotating log file (`tui-app config path` names it), and a key never does."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_server import KEY, HostileServer, Reply, Script, sse, stream_of, text_part, turn
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.cli.activity_log import log_activity
from tui_app.settings.user_settings import Settings
from tui_app.workspace.workspace import Workspace

# A part whose fields have the wrong types, one of them quoting the key: the validation error
# that is logged quotes the input, so the key reaches the log's text and must be masked there.
LEAKY_PART = sse(
    "message.part.updated",
    {"turnId": "t1", "messageId": "m1", "partId": [KEY], "part": {"id": [f"Bearer {KEY}"], "type": "text", "text": 7}},
    2,
)


def ask(server: HostileServer, data: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEDEV_API_KEY": KEY, "CASEDEV_BASE_URL": server.base_url, "TUI_APP_DATA_DIR": str(data)}
    env.pop("STEWRD_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "tui_app", "ask", "--backend", "casedev", *options, "hi"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )


def log_of(data: Path) -> str:
    return (data / "logs" / "tui-app.log").read_text(encoding="utf-8")


def test_a_skipped_malformed_frame_is_logged_without_the_key(tmp_path: Path) -> None:
    with HostileServer(Script(respond=stream_of(*turn(LEAKY_PART)))) as server:
        result = ask(server, tmp_path)
    assert result.returncode == 0, result.stderr
    log = log_of(tmp_path)
    assert "WARNING tui_app.backends.sse_frames: skipped a malformed Case.dev message.part.updated event" in log
    assert "****" + KEY[-4:] in log, "the key the frame quoted is masked, not dropped with its line"
    assert KEY not in log and KEY not in result.stderr


def test_the_log_level_chooses_what_is_written(tmp_path: Path) -> None:
    with HostileServer(Script(respond=stream_of(*turn(LEAKY_PART)))) as server:
        result = ask(server, tmp_path, "--log-level", "error")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "logs" / "tui-app.log").exists() or "skipped" not in log_of(tmp_path)


def test_retried_requests_and_the_error_that_ends_them_are_logged(tmp_path: Path) -> None:
    busy = Reply(503, b'{"error": {"message": "busy"}}')
    with HostileServer(Script(create=busy)) as server:
        result = ask(server, tmp_path)
    assert result.returncode == 1
    log = log_of(tmp_path)
    assert "INFO tui_app.backends.http_backend: Case.dev failed (HTTP 503) (busy)" in log
    assert "retry 1 of 2" in log and "retry 2 of 2" in log
    assert "ERROR tui_app.cli: " in log and "(exit 1)" in log
    assert KEY not in log


def test_config_path_names_the_log_file(tmp_path: Path) -> None:
    env = {**os.environ, "TUI_APP_DATA_DIR": str(tmp_path / "data"), "TUI_APP_CONFIG": str(tmp_path / "config.toml")}
    shown = subprocess.run(
        [sys.executable, "-m", "tui_app", "config", "path"], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    assert shown.stdout.strip() == str(tmp_path / "config.toml")  # still one path, for scripts
    assert shown.stderr.strip() == f"log file: {tmp_path / 'data' / 'logs' / 'tui-app.log'}"
    only = subprocess.run(
        [sys.executable, "-m", "tui_app", "config", "path", "--log"], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    assert only.stdout.strip() == str(tmp_path / "data" / "logs" / "tui-app.log")


async def test_the_apps_failed_turns_and_the_errors_it_shows_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    failing = stream_of(*turn(status="failed", error={"message": "the model fell over"}))
    with HostileServer(Script(respond=failing)) as server:
        workspace = Workspace([Connection("casedev", server.base_url, ApiKey(KEY))], None, Settings())
        log_activity(workspace)
        workspace.start()
        try:
            session = await workspace.open_session("logged")
            await workspace.send(session, "hi")
            server.script.respond = Reply(400, b'{"error": {"message": "no such model"}}')
            settled = asyncio.Event()
            workspace.sends.subscribe(lambda send: settled.set())
            workspace.start_send(session, "again")  # as the app sends: a failure is a notice
            await asyncio.wait_for(settled.wait(), 30)
        finally:
            await workspace.aclose()
    logged = [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name == "tui_app.cli.activity_log"]
    assert ("tui_app.cli.activity_log", "WARNING", f"session {session.id}: turn t1 failed: the model fell over") in logged
    assert any(level == "ERROR" and "logged: not sent: " in text and "no such model" in text for _, level, text in logged), logged
    assert ("tui_app.cli.activity_log", "WARNING", f"session {session.id} (now ready): Case.dev refused the request: no such model.") in logged


def test_a_reconnect_is_logged(tmp_path: Path) -> None:
    started, *_ = turn()
    cut = stream_of(started, text_part("half a reply", 2))  # the stream ends before the turn does
    # `/stream` speaks its own vocabulary: the turn ends with `session.idle`.
    rest = stream_of(sse("session.idle", {"type": "session.idle", "properties": {"turnId": "t1"}}, 3))
    with HostileServer(Script(respond=cut, stream=rest)) as server:
        result = ask(server, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "INFO tui_app.backends.casedev: the Case.dev stream broke (the stream ended before the turn did); reconnect 1 of 8 in " in log_of(tmp_path)
