"""Ten sessions streaming at once, one on screen, against one alone: the app's CPU from outside.

    python -m benchmarks.ten_sessions [--sessions 10] [--speed 50] [--seconds 12] [--rev REV ...]

A separate `tui-app serve --speed N` process is the service; the real app runs in a
pseudo-terminal (`pty_stream`'s harness) and is driven by keys as a person would: in each session
it types a dozen messages (the first is sent, the rest wait in the send queue and go one after
another), Ctrl+N opens the next session, and Alt+1 brings the first back on screen. CPU is read
from /proc for the app's process alone while every session streams. The same is measured with
one session, and idle. Each `--rev` is measured too, from a `git archive` of it, so before and
after are side by side in one run. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine
from benchmarks.profiled_app import PROFILE_ENV, STACKS_ENV
from benchmarks.pty_stream import ROOT, TICK, PtyProcess, _environment, archive, cpu_seconds_of
from tests.hostile_server import KEY

MESSAGES = 24
"""Typed into each session: replies of ~150 tokens at 50 tok/s keep it streaming over a minute."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on {port} within {timeout:.0f} s")


class Server:
    """`tui-app serve` (this tree's) on a free port, in a process of its own."""

    def __init__(self, speed: float) -> None:
        self.port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TUI_APP_SERVER_KEY": KEY}
        argv = [sys.executable, "-m", "tui_app", "serve", "--speed", f"{speed:g}", "--port", str(self.port)]
        self.process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(self.port, 30)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class WatchedPty(PtyProcess):
    """A `PtyProcess` that keeps what the app drew lately, to wait for a sign on screen."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int], cwd: Path) -> None:
        self.screen = bytearray()
        self.dropped = 0
        """Bytes cut from the front of `screen` so far: positions are counted from the start."""
        super().__init__(argv, env, size, cwd)

    def _took(self, data: bytes) -> None:
        self.screen += data
        if len(self.screen) > 1 << 21:
            cut = len(self.screen) - (1 << 20)
            del self.screen[:cut]
            self.dropped += cut

    @property
    def drawn(self) -> int:
        """Where the output stands now (a position to wait from)."""
        return self.dropped + len(self.screen)

    def wait_for(self, sign: str, timeout: float = 60.0, since: int | None = None) -> int:
        """Until `sign` is drawn after position `since` (by default, after this call), or
        RuntimeError. Returns the position just after it, to wait for what comes next from there."""
        wanted = sign.encode()
        start = self.drawn if since is None else since
        deadline = time.monotonic() + timeout
        while True:
            at = self.screen.find(wanted, max(start - self.dropped - len(wanted), 0))
            if at >= 0 and at + self.dropped + len(wanted) > start:
                return self.dropped + at + len(wanted)
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"{sign!r} was not drawn within {timeout:.0f} s")
            time.sleep(0.05)


def on_screen(app: WatchedPty, number: int, since: int, timeout: float = 45.0) -> None:
    """Until session `number` is the one on screen and ready for a message: the title above the
    transcript names it (the new session dialog shows "Session N" too, as its title's
    placeholder, and its cursor's blink draws it again and again), then the composer says
    "Message" (the session exists on the service; keys typed before are not what is measured)."""
    title = app.wait_for(f"Session {number} \u00b7 ", timeout, since)
    app.wait_for("Message", timeout, title)


def _open_dialog(app: WatchedPty) -> None:
    """Ctrl+N until the new session dialog shows (a key typed while the app is busy with a burst
    of typed messages has been seen to go missing)."""
    for attempt in range(2):
        app.type("\x0e")
        try:
            app.wait_for("New session", timeout=45.0)
            return
        except RuntimeError:
            if attempt == 1 or app.process.poll() is not None:
                raise


def main_thread_cpu_seconds(pid: int) -> float:
    """CPU of the process's main thread alone (the event loop: Textual, the streams, the
    controllers); the rest of the process is the store's writer thread and Textual's driver."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def system_cpu_seconds(pid: int) -> float:
    """The process's CPU spent in the kernel (system calls: sockets, epoll, the pty's writes)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[12]) / TICK


def start_sampler(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy (if installed beside this Python or on PATH) sampling the app's threads over the
    window, as collapsed stacks: where the time really goes, without cProfile's cost per call
    (which inflates code made of many small calls, such as httpx's nested generators)."""
    spy = Path(sys.executable).parent / "py-spy"
    command = str(spy) if spy.exists() else shutil.which("py-spy")
    if command is None:
        print("py-spy not found: no samples", file=sys.stderr)
        return None
    argv = [command, "record", "--pid", str(pid), "--duration", f"{seconds:.0f}", "--rate", "200"]
    argv += ["--format", "raw", "--nonblocking", "--threads", "--output", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU of the store's writer thread and of the other threads but the main one (Textual's
    output and input threads, idle workers). The writer names itself `store-writer` to the
    system; in a tree whose writer does not, it is the first thread made after the main one."""
    tasks: dict[int, tuple[str, float]] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            comm = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a thread that ended meanwhile
        tasks[int(task.name)] = (comm, (int(fields[11]) + int(fields[12])) / TICK)
    others = {tid: value for tid, value in tasks.items() if tid != pid}
    named = [tid for tid, (comm, _) in others.items() if comm.startswith("store-writer")]
    writer = named[0] if named else min(others, default=None)
    return {
        "writer": others[writer][1] if writer is not None else 0.0,
        "others": sum(seconds for tid, (_, seconds) in others.items() if tid != writer),
    }


def stored_events(data_dir: Path) -> dict[str, int]:
    """Events the app has stored so far, per session, read from outside (the store is SQLite in
    WAL mode: a reader never blocks the app)."""
    return _per_session(data_dir, "SELECT session_id, COUNT(*) FROM events GROUP BY session_id")


def stored_characters(data_dir: Path) -> dict[str, int]:
    """Characters of text the app has stored so far, per session: which sessions really stream
    (a stream off screen stores one update of a part per read, each with the whole text so
    far, so its events say less than its text)."""
    return _per_session(data_dir, "SELECT session_id, SUM(LENGTH(text)) FROM parts GROUP BY session_id")


def _per_session(data_dir: Path, query: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in data_dir.glob("*.db"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            found.update(db.execute(query).fetchall())
    return found


def _accept_dialog(app: WatchedPty, number: int) -> None:
    """Enter in the dialog (its defaults: a new session, on screen), until session `number` is on
    screen and ready: an Enter typed as the dialog is first drawn, before its input has the
    focus, has been lost (an Enter too many goes to the new session's empty composer: nothing)."""
    for attempt in range(3):
        time.sleep(0.5)
        since = app.drawn
        app.type("\r")
        try:
            on_screen(app, number, since, timeout=20.0)
            return
        except RuntimeError:
            if attempt == 2 or app.process.poll() is not None:
                raise


def _type_messages(app: PtyProcess, session: int) -> None:
    for n in range(MESSAGES):
        app.type(f"more {n}\r")  # short: typing is not what is measured
        time.sleep(0.05)


def measure(
    tree: Path,
    sessions: int,
    streaming: bool,
    speed: float,
    seconds: float,
    size: tuple[int, int],
    shown_streams: bool = True,
    profile: Path | None = None,
    sample: Path | None = None,
) -> dict[str, float]:
    """CPU of the app's process (code from `tree`) with `sessions` open, all streaming if
    `streaming` (but the first, on screen, unless `shown_streams`); and the server's CPU and
    the events the app stored in the same window (a check that the sessions really stream).
    With `profile`, the app's event loop is profiled over the window into that file; with
    `sample`, py-spy samples the app over the window into that file."""
    server = Server(speed)
    try:
        with tempfile.TemporaryDirectory() as home:
            argv = [sys.executable, "-m", "tui_app", "--backend", "casedev", "--base-url", f"http://127.0.0.1:{server.port}"]
            env = _environment(tree, Path(home), size)
            if profile is not None:
                argv[1:3] = [str(ROOT / "benchmarks" / "profiled_app.py")]  # (a script: any tree's tui_app)
                env[PROFILE_ENV] = str(profile)
                if STACKS_ENV in os.environ:
                    env[STACKS_ENV] = os.environ[STACKS_ENV]
            app = WatchedPty(argv, env, size, Path(home))
            try:
                on_screen(app, 1, 0)  # the first screen, and the first session created
                for number in range(1, sessions + 1):
                    if number > 1:
                        # The dialog is waited for: an Enter typed before it opens is lost, and
                        # the messages typed next would fill its title.
                        _open_dialog(app)
                        _accept_dialog(app, number)
                    if streaming and (number > 1 or shown_streams):
                        _type_messages(app, number)
                        time.sleep(1.0)  # the burst of keys handled before the next Ctrl+N
                if sessions > 1:
                    since = app.drawn
                    app.type("\x1b1")  # Alt+1: the first session back on screen
                    app.wait_for("Session 1 \u00b7 ", since=since)
                time.sleep(3.0)  # every stream running, the switch painted
                if app.process.poll() is not None:
                    raise RuntimeError(f"the app exited with {app.process.returncode}")
                store = Path(home) / "store"
                events0, chars0 = stored_events(store), stored_characters(store)
                if profile is not None:
                    app.process.send_signal(signal.SIGUSR1)
                pid = app.process.pid
                sampler = start_sampler(pid, seconds, sample) if sample is not None else None
                system0 = system_cpu_seconds(pid)
                cpu0, loop0, server0, wall0 = cpu_seconds_of(pid), main_thread_cpu_seconds(pid), cpu_seconds_of(server.process.pid), time.time()
                threads0 = thread_cpu_seconds(pid)
                time.sleep(seconds)
                cpu1, loop1, server1, wall1 = cpu_seconds_of(pid), main_thread_cpu_seconds(pid), cpu_seconds_of(server.process.pid), time.time()
                system1 = system_cpu_seconds(pid)
                if sampler is not None:
                    sampler.wait(timeout=seconds + 30)
                threads1 = thread_cpu_seconds(pid)
                if profile is not None:
                    app.process.send_signal(signal.SIGUSR2)
                    time.sleep(2.0)  # the stats written
                events1, chars1 = stored_events(store), stored_characters(store)
                wall = wall1 - wall0
                gained = [events1[sid] - events0.get(sid, 0) for sid in events1]
                streamed = [chars1[sid] - chars0.get(sid, 0) for sid in chars1]
                return {
                    "app_cpu_percent": 100 * (cpu1 - cpu0) / wall,
                    "main_thread_cpu_percent": 100 * (loop1 - loop0) / wall,
                    "app_system_cpu_percent": 100 * (system1 - system0) / wall,
                    "writer_thread_cpu_percent": 100 * (threads1["writer"] - threads0["writer"]) / wall,
                    "other_threads_cpu_percent": 100 * (threads1["others"] - threads0["others"]) / wall,
                    "server_cpu_percent": 100 * (server1 - server0) / wall,
                    # Stored by the app in the window (a second's writes may still be on their way).
                    "events_per_s": sum(gained) / wall,
                    "characters_per_s": sum(streamed) / wall,
                    # A session that streamed throughout stores several characters a token.
                    "sessions_streaming": sum(1 for n in streamed if n >= seconds * speed),
                }
            finally:
                app.stop()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ten_sessions", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--speed", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=12.0, help="the measured window")
    parser.add_argument("--runs", type=int, default=1, help="runs of each (the median is printed)")
    parser.add_argument("--rev", action="append", default=[], help="a git revision to measure beside the working tree")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--revs-only", action="store_true", help="measure the --rev trees, not the working tree")
    parser.add_argument("--only", help="cases to measure, comma-separated (many, one, idle, off_screen)")
    parser.add_argument("--profile", type=Path, help="a directory: each measured window's cProfile stats go there")
    parser.add_argument("--sample", type=Path, help="a directory: each measured window's py-spy samples go there (py-spy installed)")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    assert len(size) == 2
    result: dict[str, Any] = {"sessions": args.sessions, "speed": args.speed, "size": args.size, "machine": machine(), "trees": {}}
    # "off_screen": every session streams but the one on screen, which shows an idle session:
    # what the streams off screen cost, with no rendering beside them to compete for the CPU
    # (on a loaded machine a saturated app draws fewer frames, which hides what the rest costs).
    cases = {"many": (args.sessions, True, True), "one": (1, True, True), "idle": (1, False, True), "off_screen": (args.sessions, True, False)}
    if args.only:
        cases = {name: case for name, case in cases.items() if name in args.only.split(",")}
    for directory in (args.profile, args.sample):
        if directory:
            directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        trees = {} if args.revs_only else {"working tree": ROOT}
        for rev in args.rev:
            trees[rev] = archive(rev, Path(scratch) / rev.replace("/", "_"))
        figures: dict[str, dict[str, list[dict[str, float]]]] = {name: {case: [] for case in cases} for name in trees}
        for _ in range(args.runs):
            # The trees take turns within each case, so a change in the machine's load falls on all alike.
            for case, (count, streaming, shown_streams) in cases.items():
                for name, tree in trees.items():
                    stem = f"{name.replace(' ', '_').replace('/', '_')}-{case}"
                    profile = args.profile / f"{stem}.prof" if args.profile else None
                    sample = args.sample / f"{stem}.txt" if args.sample else None
                    try:
                        figures[name][case].append(measure(tree, count, streaming, args.speed, args.seconds, size, shown_streams, profile, sample))  # type: ignore[arg-type]
                    except Exception as error:  # a benchmark prints, it never fails
                        figures[name][case].append({"error": f"{type(error).__name__}: {error}"})  # type: ignore[dict-item]
        for name, by_case in figures.items():
            row: dict[str, Any] = {}
            for case, runs in by_case.items():
                good = [run for run in runs if "error" not in run]
                if not good:
                    row[case] = runs[-1]
                    continue
                row[case] = {key: sorted(run[key] for run in good)[len(good) // 2] for key in good[0]}
            if {"many", "one"} <= row.keys() and "error" not in row["many"] and "error" not in row["one"]:
                row["many_minus_one_points"] = row["many"]["app_cpu_percent"] - row["one"]["app_cpu_percent"]
            if {"off_screen", "idle"} <= row.keys() and "error" not in row["off_screen"] and "error" not in row["idle"]:
                off, idle = row["off_screen"], row["idle"]
                row["off_screen_minus_idle_points"] = off["app_cpu_percent"] - idle["app_cpu_percent"]
                # CPU milliseconds per 1,000 characters streamed off screen: the cost of a session
                # as data (per event no longer: a paced stream stores fewer events for the same text).
                row["off_screen_ms_per_1000_characters"] = 10_000 * row["off_screen_minus_idle_points"] / max(off["characters_per_s"], 1e-9)
            result["trees"][name] = row
    result["machine_after"] = machine()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
