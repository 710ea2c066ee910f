"""The idle app against the toolkit's floor, measured from outside the processes.

    python -m benchmarks.idle_bench [--seconds 20] [--rev REV ...] [--size 120x40]

Started side by side in pseudo-terminals, each left alone for the same window: `tui-app` with its
embedded server (one session on screen, as after a start with an empty store), `tui-app` against
a separate server process (the app's process alone), each `--rev`'s code the same two ways, and
the floor, a bare Textual app with an input whose cursor blinks (`floor_start_app`). CPU is read
from /proc for each process alone (user + system), over the same window after a settling time,
so the load of the machine weighs on all of them alike. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine
from benchmarks.pty_stream import ROOT, PtyProcess, _environment, _read_line, archive, cpu_seconds_of

SETTLE = 6.0
"""Seconds each process is given to start and show its first session before the window opens."""


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.idle_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rev", action="append", default=[], help="a git revision to measure beside the working tree")
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    size = (width, height)
    result: dict[str, Any] = {"seconds": args.seconds, "size": args.size, "machine": machine()}
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.paced_reply_server", "100", "50"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    running: dict[str, PtyProcess] = {}
    with tempfile.TemporaryDirectory() as scratch:
        try:
            port = _read_line(server.stdout, "port", 30)
            trees = {"working tree": ROOT, **{rev: archive(rev, Path(scratch) / rev.replace("/", "_")) for rev in args.rev}}
            for n, (name, tree) in enumerate(trees.items()):
                for how, argv in (
                    ("embedded server", ["--backend", "local"]),
                    ("separate server", ["--backend", "casedev", "--base-url", f"http://127.0.0.1:{port}"]),
                ):
                    home = Path(scratch) / f"home-{n}-{how[0]}"
                    home.mkdir()
                    env = _environment(tree, home, size)
                    running[f"{name}, {how}"] = PtyProcess([sys.executable, "-m", "tui_app", *argv], env, size, home)
            home = Path(scratch) / "home-floor"
            home.mkdir()
            floor_argv = [sys.executable, "-m", "benchmarks.floor_start_app"]
            running["floor"] = PtyProcess(floor_argv, _environment(ROOT, home, size), size, ROOT)
            time.sleep(SETTLE)
            before = {name: cpu_seconds_of(p.process.pid) for name, p in running.items()}
            started = time.time()
            time.sleep(args.seconds)
            wall = time.time() - started
            after = {name: cpu_seconds_of(p.process.pid) for name, p in running.items()}
            floor = 100 * (after["floor"] - before["floor"]) / wall
            for name in running:
                percent = 100 * (after[name] - before[name]) / wall
                result[name] = {"cpu_percent": percent, "ratio_to_floor": percent / max(floor, 0.01)}
        finally:
            for process in running.values():
                process.stop()
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=10)
    result["machine_after"] = machine()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
