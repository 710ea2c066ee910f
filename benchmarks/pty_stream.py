"""Streaming CPU measured from outside the process: the real `tui-app` in a pseudo-terminal.

    python -m benchmarks.pty_stream [--tokens 5000] [--rates 50,200] [--rev REV ...] [--size 120x40]

A separate server process (`paced_reply_server`) streams the benchmark's Markdown reply at each
rate; the app, in a pty of the given size, sends one message and shows the reply. CPU is read
from /proc for the app's process alone (the server is another process), from the reply's first
token to its last. The floor, a bare Textual app appending the same text to a `Log`
(`floor_log_app`), is measured the same way in the same run, so every figure has a ratio.
Each `--rev` (a git revision) is measured too, from a `git archive` of it, side by side with the
working tree: before/after figures of a change in one run. Prints one JSON line.
With `PTY_STREAM_PROFILE=OUT` the app runs under a profiler (`benchmarks/profiled.py`).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine
from tests.hostile_server import KEY

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
STARTUP = 4.0
"""Seconds the app is given to show its first screen before the message is typed."""


def cpu_seconds_of(pid: int) -> float:
    """User and system CPU of one process (not its children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class PtyProcess:
    """A process on a pseudo-terminal of `size`, its output read and thrown away as it comes."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int], cwd: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True
        )
        os.close(slave)
        self.received = 0
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.received += len(data)
            self._took(data)

    def _took(self, data: bytes) -> None:
        """What the process drew, as it comes (thrown away here)."""

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)


def _environment(python_path: Path, home: Path, size: tuple[int, int]) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "TUI_APP_DATA_DIR": str(home / "store"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "PYTHONPATH": str(python_path),
        "TERM": "xterm-256color",
        "COLUMNS": str(size[0]),
        "LINES": str(size[1]),
        "CASEDEV_API_KEY": KEY,
    }


def _read_line(stream: Any, prefix: str, timeout: float) -> str:
    """The next line of a child's stdout that starts with `prefix`."""
    found: list[str] = []

    def read() -> None:
        for line in stream:
            if line.startswith(prefix):
                found.append(line.split(" ", 1)[1].strip())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        raise RuntimeError(f"no {prefix!r} line within {timeout:.0f} s")
    return found[0]


MARKER = "EndOfReply7f3c9e"
"""The reply's last word: when the app has drawn it, the end of the reply is on screen."""
_ESCAPE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class MarkerWatch(PtyProcess):
    """A `PtyProcess` that notes when `marker` first appears in what the process drew, escape
    sequences taken out (a line is drawn as runs of styled text)."""

    def __init__(self, *args: Any, marker: str, **kwargs: Any) -> None:
        self.marker = marker.encode()
        self.seen_at: float | None = None
        self._tail = b""
        super().__init__(*args, **kwargs)

    def _took(self, data: bytes) -> None:
        if self.seen_at is not None:
            return
        # The raw tail is kept so a sequence or the marker cut between two reads is found whole.
        window = self._tail + data
        if self.marker in _ESCAPE.sub(b"", window):
            self.seen_at = time.time()
        self._tail = window[-4096:]


def measure_app(tree: Path, tokens: int, rate: float, size: tuple[int, int]) -> dict[str, float | None]:
    """CPU of the app's process while one reply streams at `rate`, its code taken from `tree`, and
    how long after the last token was sent the reply's last word reached the terminal."""
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.paced_reply_server", str(tokens), str(rate), MARKER],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    with tempfile.TemporaryDirectory() as home:
        try:
            port = _read_line(server.stdout, "port", 30)
            argv = [sys.executable, "-m", "tui_app", "--backend", "casedev", "--base-url", f"http://127.0.0.1:{port}"]
            if profile := os.environ.get("PTY_STREAM_PROFILE"):  # benchmarks/profiled.py
                argv[1:3] = ["-m", "benchmarks.profiled", profile]
            app = MarkerWatch(argv, _environment(tree, Path(home), size), size, Path(home), marker=MARKER)
            try:
                time.sleep(STARTUP)
                if app.process.poll() is not None:
                    raise RuntimeError(f"the app exited with {app.process.returncode}")
                idle0, idle_at = cpu_seconds_of(app.process.pid), time.time()
                time.sleep(2.0)
                idle = (cpu_seconds_of(app.process.pid) - idle0) / (time.time() - idle_at)
                app.type("Stream the long reply, please.\r")
                float(_read_line(server.stdout, "start", 30))
                cpu0, wall0 = cpu_seconds_of(app.process.pid), time.time()
                end = float(_read_line(server.stdout, "end", tokens / rate * 3 + 60))
                cpu1, wall1 = cpu_seconds_of(app.process.pid), time.time()
                if wall1 - end > 1.0:
                    raise RuntimeError("the end of the reply was read late: the measurement is unreliable")
                deadline = time.time() + 5
                while app.seen_at is None and time.time() < deadline:
                    time.sleep(0.005)
                on_screen = None if app.seen_at is None else round(app.seen_at - end, 4)
                return {
                    "cpu_percent": 100 * (cpu1 - cpu0) / (wall1 - wall0), "idle_percent": 100 * idle,
                    "seconds": wall1 - wall0, "end_on_screen_s": on_screen,
                }
            finally:
                app.stop()
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=10)


def measure_floor(tokens: int, rate: float, size: tuple[int, int]) -> dict[str, float]:
    """The same window for `floor_log_app`: it starts appending STARTUP seconds after launch."""
    with tempfile.TemporaryDirectory() as home:
        argv = [sys.executable, "-m", "benchmarks.floor_log_app", str(tokens), str(rate), str(STARTUP)]
        floor = PtyProcess(argv, _environment(ROOT, Path(home), size), size, ROOT)
        try:
            time.sleep(STARTUP)
            cpu0, wall0 = cpu_seconds_of(floor.process.pid), time.time()
            time.sleep(tokens / rate)
            cpu1, wall1 = cpu_seconds_of(floor.process.pid), time.time()
            return {"cpu_percent": 100 * (cpu1 - cpu0) / (wall1 - wall0), "seconds": wall1 - wall0}
        finally:
            floor.stop()


def archive(rev: str, into: Path) -> Path:
    """The tree of `rev`, unpacked into `into`, to run that version's code."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=data, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pty_stream", description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=5000)
    parser.add_argument("--rates", default="50,200")
    parser.add_argument("--rev", action="append", default=[], help="a git revision to measure beside the working tree")
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    assert len(size) == 2
    result: dict[str, Any] = {"tokens": args.tokens, "size": args.size, "machine": machine(), "rates": {}}
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"working tree": ROOT}
        for rev in args.rev:
            trees[rev] = archive(rev, Path(scratch) / rev.replace("/", "_"))
        for rate in (float(r) for r in args.rates.split(",")):
            row: dict[str, Any] = {"floor": measure_floor(args.tokens, rate, size)}  # type: ignore[arg-type]
            for name, tree in trees.items():
                try:
                    row[name] = measure_app(tree, args.tokens, rate, size)  # type: ignore[arg-type]
                    row[name]["ratio_to_floor"] = row[name]["cpu_percent"] / max(row["floor"]["cpu_percent"], 0.1)
                except Exception as error:  # a benchmark prints, it never fails
                    row[name] = {"error": f"{type(error).__name__}: {error}"}
            result["rates"][f"{rate:g}"] = row
    result["machine_after"] = machine()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
