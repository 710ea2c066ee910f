"""The app's memory measured from outside the process: RSS over many turns, and the peak of a long reply.

    python -m benchmarks.memory_pty [--turns 50] [--speed 400] [--tokens 5000] [--rev REV ...]

The real app runs in a 120x40 pseudo-terminal (`pty_stream`'s harness) and is driven by keys: a
message typed and sent, then the next once the turn has ended (read from the app's SQLite store,
from outside). After each turn, the resident memory (VmRSS) of the app's process is read from
/proc. Two setups: against a separate `tui-app serve --speed N` process (the app alone; the
server's RSS is read too), and the app with its embedded server (`--backend local`: the server's
replay log lives in the app's process). Printed per setup: RSS after the first and the last turn,
the growth, and the least-squares slope per turn over all turns and over the second half (a
leak keeps its slope; a cache filling up levels off).

The peak: the app against `paced_reply_server` streaming one `--tokens` reply, VmHWM of the
app's process once the reply has ended (the same setup as `pty_stream`).

Each `--rev` (a git revision) is measured too, from a `git archive` of it, taking turns with the
working tree: before/after side by side in one run. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine
from benchmarks.pty_stream import ROOT, PtyProcess, _environment, _read_line, archive
from benchmarks.ten_sessions import Server, WatchedPty

SETTLE = 0.5
"""Seconds after a turn's end before its RSS is read: the last frames painted, the store written."""


def status_mb(pid: int, field: str) -> float:
    """A memory figure of one process (VmRSS, VmHWM) from /proc, in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} for process {pid}")


HEAP_ALIGNMENT = 64 << 20
"""glibc maps each extra malloc arena (one per thread that allocates, up to 8 per core) at an
address aligned to its largest size, 64 MiB on a 64-bit system."""


def memory_map_mb(pid: int) -> dict[str, float]:
    """Where a process's resident memory lies, from /proc/PID/smaps, in MB: the C heap (`[heap]`,
    the main thread's malloc arena), the other threads' malloc arenas (anonymous, 64 MiB-aligned,
    their unused rest mapped without access right after them), other anonymous mappings
    (Python's 1 MiB object arenas, which the kernel merges when they lie side by side, big blocks
    malloc mapped on their own, thread stacks) and files (code, shared libraries, SQLite's)."""
    parts = {"heap": 0.0, "thread_arenas": 0.0, "anonymous": 0.0, "files": 0.0}
    mappings: list[tuple[int, int, str, str, float]] = []  # start, end, perms, name, RSS
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if not fields[0].endswith(":"):  # a mapping's header: range, perms, offset, dev, inode[, name]
            start, end = (int(x, 16) for x in fields[0].split("-"))
            mappings.append((start, end, fields[1], fields[5] if len(fields) > 5 else "", 0.0))
        elif fields[0] == "Rss:":
            start, end, perms, name, _ = mappings[-1]
            mappings[-1] = (start, end, perms, name, int(fields[1]) * 1024 / 1e6)
    for i, (start, end, perms, name, rss) in enumerate(mappings):
        after = mappings[i + 1] if i + 1 < len(mappings) else None
        if name == "[heap]":
            kind = "heap"
        elif name and not name.startswith("["):
            kind = "files"
        elif (
            name == ""
            and start % HEAP_ALIGNMENT == 0
            and after is not None
            and after[0] == end
            and after[2] == "---p"
            and after[1] == start + HEAP_ALIGNMENT
        ):
            kind = "thread_arenas"
        else:
            kind = "anonymous"
        parts[kind] += rss
    return {name: round(value, 2) for name, value in parts.items()}


def turns_ended(store: Path) -> int:
    """Turns the app has stored as ended, in every session (the store is SQLite in WAL mode: a
    reader from outside never blocks the app)."""
    path = store / "tui-app.db"  # beside it, the embedded server's own store, which it holds locked
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        return int(db.execute("SELECT COUNT(*) FROM events WHERE kind = 'TurnCompleted'").fetchone()[0])


def slope(values: list[float]) -> float:
    """Least-squares growth per step (0 for fewer than two values)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    return covariance / sum((x - mean_x) ** 2 for x in range(n))


def summary(series: list[float]) -> dict[str, float]:
    return {
        "first_mb": series[0],
        "last_mb": series[-1],
        "growth_mb": series[-1] - series[0],
        "slope_mb_per_turn": slope(series),
        "slope_second_half_mb_per_turn": slope(series[len(series) // 2 :]),
    }


def measure_turns(
    tree: Path, embedded: bool, count: int, speed: float, size: tuple[int, int], extra_env: dict[str, str]
) -> dict[str, Any]:
    """RSS of the app's process (code from `tree`, `extra_env` added to its environment) after each
    of `count` turns, and where it lies (`memory_map_mb`) after the first turn and the last."""
    server = None if embedded else Server(speed)
    try:
        with tempfile.TemporaryDirectory() as home:
            if server is None:
                argv = [sys.executable, "-m", "tui_app", "--backend", "local", "--speed", f"{speed:g}"]
            else:
                argv = [sys.executable, "-m", "tui_app", "--backend", "casedev", "--base-url", f"http://127.0.0.1:{server.port}"]
            app = WatchedPty(argv, {**_environment(tree, Path(home), size), **extra_env}, size, Path(home))
            store = Path(home) / "store"
            try:
                app.wait_for("Session 1")
                time.sleep(1.0)
                app_rss: list[float] = []
                server_rss: list[float] = []
                maps: list[dict[str, float]] = []
                for n in range(1, count + 1):
                    app.type(f"turn {n}, tell me about it\r")
                    deadline = time.monotonic() + 60
                    while turns_ended(store) < n:
                        if time.monotonic() > deadline or app.process.poll() is not None:
                            raise RuntimeError(f"turn {n} did not end within 60 s")
                        time.sleep(0.1)
                    time.sleep(SETTLE)
                    app_rss.append(status_mb(app.process.pid, "VmRSS"))
                    if n in (1, count):
                        maps.append(memory_map_mb(app.process.pid))
                    if server is not None:
                        server_rss.append(status_mb(server.process.pid, "VmRSS"))
                result: dict[str, Any] = {"app": summary(app_rss), "app_series_mb": [round(x, 1) for x in app_rss]}
                result["app"]["peak_mb"] = status_mb(app.process.pid, "VmHWM")
                result["app_map_first_last_mb"] = maps
                if server_rss:
                    result["server"] = summary(server_rss)
                return result
            finally:
                app.stop()
    finally:
        if server is not None:
            server.stop()


def measure_peak(tree: Path, tokens: int, rate: float, size: tuple[int, int], extra_env: dict[str, str]) -> dict[str, float]:
    """Peak RSS of the app's process (code from `tree`, `extra_env` added to its environment) over
    one `tokens` reply streamed at `rate`."""
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.paced_reply_server", str(tokens), str(rate)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as home:
        try:
            port = _read_line(server.stdout, "port", 30)
            argv = [sys.executable, "-m", "tui_app", "--backend", "casedev", "--base-url", f"http://127.0.0.1:{port}"]
            app = PtyProcess(argv, {**_environment(tree, Path(home), size), **extra_env}, size, Path(home))
            try:
                time.sleep(4.0)
                before = status_mb(app.process.pid, "VmRSS")
                app.type("Stream the long reply, please.\r")
                _read_line(server.stdout, "end", tokens / rate * 3 + 60)
                time.sleep(2.0)  # the end of the reply on screen
                return {"before_mb": before, "after_mb": status_mb(app.process.pid, "VmRSS"), "peak_mb": status_mb(app.process.pid, "VmHWM")}
            finally:
                app.stop()
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=10)


def _attempt(measure: Any, *args: Any) -> dict[str, Any]:
    try:
        return measure(*args)  # type: ignore[no-any-return]
    except Exception as error:  # a benchmark prints, it never fails
        return {"error": f"{type(error).__name__}: {error}"}


def variant(text: str) -> tuple[str, dict[str, str]]:
    """`NAME:KEY=VALUE,KEY=VALUE` (an `--env` argument) as the name and the variables it adds."""
    name, _, assignments = text.partition(":")
    pairs = [item.split("=", 1) for item in assignments.split(",") if item]
    return name, {key: value for key, value in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_pty", description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--speed", type=float, default=400.0, help="tokens/s of the demo agent's replies")
    parser.add_argument("--tokens", type=int, default=5000, help="the long reply's length (0: skip the peak)")
    parser.add_argument("--rate", type=float, default=200.0, help="tokens/s of the long reply")
    parser.add_argument("--setups", default="separate,embedded,peak")
    parser.add_argument("--rev", action="append", default=[], help="a git revision to measure beside the working tree")
    parser.add_argument(
        "--env", action="append", default=[], type=variant,
        help="NAME:KEY=VALUE,...: the working tree again with these variables set (e.g. glibc's MALLOC_ARENA_MAX)",
    )  # fmt: skip
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    assert len(size) == 2
    setups = args.setups.split(",")
    result: dict[str, Any] = {"turns": args.turns, "speed": args.speed, "size": args.size, "machine": machine(), "trees": {}}
    with tempfile.TemporaryDirectory() as scratch:
        trees: dict[str, tuple[Path, dict[str, str]]] = {"working tree": (ROOT, {})}
        for name, extra in args.env:
            trees[name] = (ROOT, extra)
        for rev in args.rev:
            trees[rev] = (archive(rev, Path(scratch) / rev.replace("/", "_")), {})
        rows: dict[str, dict[str, Any]] = {name: {} for name in trees}
        # The trees take turns within each setup, so a change in the machine's load falls on all alike.
        for setup in setups:
            for name, (tree, extra) in trees.items():
                if setup == "peak":
                    if args.tokens > 0:
                        rows[name]["peak"] = _attempt(measure_peak, tree, args.tokens, args.rate, size, extra)
                else:
                    rows[name][setup] = _attempt(
                        measure_turns, tree, setup == "embedded", args.turns, args.speed, size, extra
                    )  # fmt: skip
                rows[name].setdefault(setup, {})["machine"] = machine()
        result["trees"] = rows
    result["machine_after"] = machine()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
