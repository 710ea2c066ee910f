"""The real app, on a real pseudo-terminal, against a hostile service: the bytes it writes to the
terminal carry none of the service's control sequences (no clipboard write, no title change, no
hyperlink to its address, no 8-bit CSI), while its words are still shown, as text."""

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

from tests.hostile_server import HOSTILE, KEY, HostileServer, Script, stream_of, text_part, turn

SHOWN = "visible-words"


def read_until(primary: int, seen: bytearray, wanted: bytes, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        if select.select([primary], [], [], 0.2)[0]:
            try:
                seen += os.read(primary, 65536)
            except OSError:  # the program has exited
                return False
    return wanted in seen


def test_the_app_writes_none_of_a_hostile_services_control_sequences_to_the_terminal(tmp_path: Path) -> None:
    reply = f"{HOSTILE} {SHOWN}"
    script = Script(respond=stream_of(*turn(text_part(reply, 2), status="failed", error={"message": HOSTILE})))
    with HostileServer(script) as server:
        env = {**os.environ, "CASEDEV_API_KEY": KEY, "TUI_APP_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color"}
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        args = [sys.executable, "-m", "tui_app", "--backend", "casedev", "--base-url", server.base_url]
        process = subprocess.Popen(args, stdin=secondary, stdout=secondary, stderr=secondary, env=env)
        os.close(secondary)
        seen = bytearray()
        try:
            assert read_until(primary, seen, "Message the agent".encode(), 60), bytes(seen[-2000:])
            time.sleep(1.0)  # the session is created (the hostile server answers at once)
            os.write(primary, b"hello\r")
            assert read_until(primary, seen, SHOWN.encode(), 60), bytes(seen[-2000:])
            read_until(primary, seen, b"\x00never", 3)  # the failed turn's notification is drawn meanwhile
        finally:
            process.kill()
            process.wait(timeout=30)
            os.close(primary)
    written = bytes(seen)
    assert b"\x1b]52;" not in written  # a clipboard write
    assert b"\x1b]0;pwned" not in written and b"\x1b]2;pwned" not in written  # a title change
    assert not re.search(rb"\x1b\]8;[^;\x07\x1b]*;http://evil", written)  # a hyperlink to its address
    assert "\u009b".encode() not in written  # an 8-bit CSI
    assert "⟨U+202E⟩".encode() in written  # the bidi override, shown as a marker
