"""`tui-app files` for a Case.dev session whose sandbox is not running: the service's refusal is
said, with how to resume the session (a message), as a subprocess against a hostile service."""

from __future__ import annotations

from pathlib import Path

from tests.hostile_server import KEY, HostileServer, Reply, Script
from tests.integration.test_cli_files import session_id, tui_app

ASLEEP = b'{"error": {"message": "The sandbox is not running", "code": "SANDBOX_NOT_RUNNING"}}'


def test_files_of_a_sleeping_sandbox_say_how_to_resume_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HostileServer(Script(files=Reply(400, ASLEEP))) as hostile:
        env = {"CASEDEV_API_KEY": KEY, "CASEDEV_BASE_URL": hostile.base_url}
        made = tui_app(data, "ask", "--backend", "casedev", "--keep", "hi", **env)
        assert made.returncode == 0, made.stderr
        session = session_id(data)
        listed = tui_app(data, "files", session, **env)
    assert listed.returncode == 1 and listed.stdout == ""
    assert "The sandbox is not running" in listed.stderr
    assert f'a message resumes it: `tui-app ask --session {session[:12]} "…"`, then list again.' in listed.stderr
