"""Ctrl+E hands the terminal to $EDITOR and brings its text back into the composer (issue 15),
for real: tui-app runs in a pseudo-terminal (a headless test app cannot suspend), the editor is
a script, and what it wrote is the message the service receives."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.integration.test_cli_login import environment
from tui_app.persistence.store import Store


def test_ctrl_e_edits_the_draft_in_the_editor_and_the_result_is_sent(tmp_path: Path) -> None:
    seen, ran = tmp_path / "seen.txt", tmp_path / "editor-ran"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" {seen}\nprintf "written in the editor\\n" > "$1"\ntouch {ran}\n', encoding="utf-8")
    editor.chmod(0o755)
    env = environment(tmp_path, EDITOR=str(editor), TERM="xterm-256color")
    env.pop("VISUAL", None)
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_app"], stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True
    )
    os.close(secondary)
    seen_output = b""

    def read_until(done: object, within: float = 60) -> None:
        nonlocal seen_output
        deadline = time.monotonic() + within
        while not (done() if callable(done) else done in seen_output) and time.monotonic() < deadline:
            if select.select([primary], [], [], 0.1)[0]:
                try:
                    seen_output += os.read(primary, 65536)
                except OSError:
                    return

    try:
        read_until(b"Message")  # the composer is on screen
        os.write(primary, b"my draft")
        os.write(primary, b"\x05")  # Ctrl+E
        read_until(ran.exists)
        assert seen.read_text(encoding="utf-8") == "my draft"
        # The editor is done, but Enter sends what the composer holds: wait for the text to be back.
        seen_output = b""
        read_until(b"written in the editor")
        os.write(primary, b"\r")  # Enter sends what came back (queued until the session is up)
        read_until(b"You said")
        os.write(primary, b"\x11")  # Ctrl+Q
        read_until(lambda: process.poll() is not None, within=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        os.close(primary)
    with Store(tmp_path / "data" / "tui-app.db") as store:
        (session,) = store.sessions()
        assert [m.text for m in store.messages(session.id) if m.role == "user"] == ["written in the editor"]
