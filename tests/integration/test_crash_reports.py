"""An unhandled error, in the app or in a command: the terminal restored, one clear line on
stderr (no traceback), a crash report in the data directory with the traceback and versions and
no key in it, and exit status 70, so a script can tell a crash from success."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tui_app.cli.crash import CRASH_HOOK

SECRET = "sk_case_crash_" + "c7" * 14
SECRET_TOO = "sk_case_tui_app_" + "k9" * 14
ESCAPE = re.compile(r"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-_])")


def environment(data: Path, where: str) -> dict[str, str]:
    # The keys first: the app's traceback lists the first entries of the environment among its
    # local variables, so they reach the text the report is made of, and must be masked there.
    env = {"CASEDEV_API_KEY": SECRET, "TUI_APP_CASEDEV_API_KEY": SECRET_TOO}
    env.update({k: v for k, v in os.environ.items() if k not in env})
    env.update(TUI_APP_DATA_DIR=str(data), **{CRASH_HOOK: where})
    return env


def the_report(data: Path) -> str:
    [report] = data.glob("crash-*.txt")
    assert report.stat().st_mode & 0o077 == 0, "only its owner may read a crash report"
    return report.read_text(encoding="utf-8")


def assert_no_key(text: str) -> None:
    assert SECRET not in text and SECRET_TOO not in text


def test_a_command_that_crashes_says_so_in_one_line_writes_a_report_and_exits_70(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "tui_app", "--base-url", f"http://me:{SECRET}@127.0.0.1:9", "sessions"],
        capture_output=True, text=True, timeout=60, env=environment(data, "command"), check=False,
    )
    assert result.returncode == 70
    [line] = result.stderr.splitlines()
    assert line.startswith("tui-app: crashed: CrashOnPurpose: a crash on purpose")
    report = the_report(data)
    assert str(next(data.glob("crash-*.txt"))) in line
    assert "Traceback (most recent call last)" in report and "CrashOnPurpose" in report
    assert "tui-app 0.1.0" in report and "textual 8." in report and "Python 3." in report
    assert "command: tui-app --base-url http://****@127.0.0.1:9 sessions" in report
    assert "CASEDEV_API_KEY=(set, not shown)" in report
    assert_no_key(report + result.stderr)
    log = (data / "logs" / "tui-app.log").read_text(encoding="utf-8")
    assert "CRITICAL tui_app.cli.crash: crashed: CrashOnPurpose" in log
    assert_no_key(log)


def run_in_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `args` on a pseudo-terminal of 80x24 until it exits; its status and all it wrote."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(args, stdin=secondary, stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([primary], [], [], 0.5)[0]:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal's other end closed: the program has exited
                break
            if not chunk:
                break
            seen += chunk
    os.close(primary)
    return process.wait(timeout=30), seen.decode("utf-8", "replace")


def test_the_app_that_crashes_restores_the_terminal_says_so_in_one_line_and_exits_70(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, output = run_in_a_terminal(
        [sys.executable, "-m", "tui_app", "--backend", "local", "--speed", "0"], environment(data, "app")
    )
    assert code == 70, output[-2000:]
    # The terminal is given back (the alternate screen left, the cursor shown) before the line.
    assert "\x1b[?1049l" in output
    after = output[output.rindex("\x1b[?1049l") :]
    assert "\x1b[?25h" in after
    lines = [line.strip() for line in ESCAPE.sub("", after).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("tui-app: crashed: CrashOnPurpose: a crash on purpose")
    assert "Traceback" not in ESCAPE.sub("", after) and "╭" not in after
    report = the_report(data)
    assert str(next(data.glob("crash-*.txt"))) in lines[0].replace("\r", "")
    assert "Traceback" in report and "CrashOnPurpose" in report and "textual 8." in report
    assert "****" + SECRET[-4:] in report, "the environment in the traceback's locals is masked, not left out"
    assert_no_key(report)
    assert_no_key((data / "logs" / "tui-app.log").read_text(encoding="utf-8"))


def test_ctrl_d_at_a_question_is_an_answer_not_a_crash(tmp_path: Path) -> None:
    from tui_app.persistence.store import SessionRecord, Store

    data = tmp_path / "data"
    with Store(data / "tui-app.db") as store:
        store.save_session(SessionRecord("kept-one", "local", None, "Kept", None, "ready", "micros", 1.0, 1.0))
    primary, secondary = pty.openpty()
    env = {**os.environ, "TUI_APP_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app", "sessions", "rm", "kept-one"], stdin=secondary, stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 30
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        if select.select([primary], [], [], 0.5)[0]:
            seen += os.read(primary, 1024)
    os.write(primary, b"\x04")  # Ctrl+D
    code = process.wait(timeout=30)
    try:
        while select.select([primary], [], [], 0.2)[0]:
            seen += os.read(primary, 1024)
    except OSError:
        pass
    os.close(primary)
    assert code == 1 and b"Nothing deleted." in seen and b"Traceback" not in seen
    assert list(data.glob("crash-*.txt")) == []
    with Store(data / "tui-app.db") as store:
        assert [r.id for r in store.sessions()] == ["kept-one"]
