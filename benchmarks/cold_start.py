"""Target 6: cold start to a usable screen, timed as a whole process, against the toolkit's floor.

    python -m benchmarks.cold_start [--runs 5] [--rev REV ...]

`tui-app --backend local` (the embedded server too) runs in a pseudo-terminal of 100x40 with
`TUI_APP_EXIT_AFTER_FIRST_PAINT=1`, which makes it quit 0.5 s after the screen showing its first
session is written. The figures are the wall times from starting the process until the terminal
has received: its first screen (the sidebar's title); with 20 stored sessions of 500 messages,
the first stored session's row; the session on screen (its title above the transcript: a new one
for an empty store, the latest stored one otherwise); and its exit. `default_*` is the README's
run command, `tui-app` with no `--backend` on an empty store (no setting, no key in the
environment): the keyring is asked for every remote backend's key before the first paint. Medians of several runs,
every version and the floor taken in turns in the same run (the machine's load moves), so the
ratios hold where the absolute figures drift. Every tree is byte-compiled first, as an installed
package is (`compiled`). The floor is a bare Textual app with a title and
an input (`floor_start_app`), timed the same way; `--rev` measures a git revision's code beside
the working tree (before/after figures of a change in one run). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

from benchmarks.common import machine, median

ROOT = Path(__file__).resolve().parent.parent
STORED_SESSIONS = 20

PAINTED = b"Sessions"
"""The sidebar title: on the first screen painted (the floor app shows the same word)."""
LISTED = b"s0"
"""The title of the first of the stored sessions (`stored_bench.build_store`): its row is listed."""


def shown_title(title: str) -> bytes:
    """The title above the transcript of the session on screen (`session_view.py`): the first
    screen is complete (a session shown, not only the frame around it) when this is written."""
    return f"{title} \u00b7 local".encode()


def start_once(
    argv: list[str], env: dict[str, str], markers: dict[str, bytes], timeout: float = 60.0, cwd: Path = ROOT
) -> dict[str, float]:
    """Seconds from starting `argv` (in `cwd`) until each of `markers` first reaches the
    terminal, and until the process has exited (`exit`)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    seen_at: dict[str, float] = {}

    def drain() -> None:
        # The app writes its screen to the terminal: read it, or it blocks on a full buffer.
        seen = b""
        try:
            while chunk := os.read(master, 65536):
                now = time.perf_counter()
                seen = seen[-64:] + chunk
                for name, marker in markers.items():
                    if name not in seen_at and marker in seen:
                        seen_at[name] = now
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, cwd=cwd)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    finally:
        os.close(slave)
    exited = time.perf_counter()
    reader.join(2)
    os.close(master)
    missing = [name for name in markers if name not in seen_at]
    if process.returncode != 0 or missing:
        raise RuntimeError(f"{argv[2]} exited with {process.returncode}, not seen: {missing}")
    return {**{name: at - started for name, at in seen_at.items()}, "exit": exited - started}


def _environment(tree: Path, config: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "TUI_APP_EXIT_AFTER_FIRST_PAINT": "1", "TERM": "xterm-256color", "PYTHONPATH": str(tree)}
    if config is not None:
        env["TUI_APP_CONFIG"] = str(config)  # (none there: no `backend` setting)
    for name in ("CASEDEV_API_KEY", "STEWRD_API_KEY"):
        env.pop(name, None)
    return env


def app_once(tree: Path, stored: Path | None, chosen: bool = True) -> dict[str, float]:
    """One start in a data directory of its own: empty, or holding a copy of the store `stored`
    (a run changes its store: the new session, the restored ones' states); `chosen`: with
    `--backend local`, else with no backend named (nor set, nor keyed: local too)."""
    with tempfile.TemporaryDirectory() as data_dir:
        if stored is not None:
            shutil.copy(stored, Path(data_dir) / "tui-app.db")
        argv = [sys.executable, "-m", "tui_app", *(["--backend", "local"] if chosen else []), "--data-dir", data_dir]
        markers = {"paint": PAINTED, "shown": shown_title(f"s{STORED_SESSIONS - 1}" if stored else "Session 1")}
        if stored is not None:
            markers["listed"] = LISTED
        # In the tree itself: `python -m` puts the working directory first on the path, before
        # PYTHONPATH, so from the working tree every revision would run the working tree's code.
        env = _environment(tree, None if chosen else Path(data_dir) / "no-config.toml")
        return start_once(argv, env, markers, cwd=tree)


def floor_once() -> dict[str, float]:
    argv = [sys.executable, "-m", "benchmarks.floor_start_app", "--exit-after-paint"]
    return start_once(argv, _environment(ROOT), {"paint": PAINTED})


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def compiled(tree: Path) -> None:
    """`tree`'s modules byte-compiled, as an installed package's are (pip compiles them): a
    process never writes them where `PYTHONDONTWRITEBYTECODE` is set, as on this project's
    machines, and each start would compile the app's 180 modules from source (0.1 s or more)
    while the floor's Textual, installed, is read compiled."""
    for package in ("tui_app", "benchmarks"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / package)], check=True, capture_output=True)


def _medians(runs: list[dict[str, float]], prefix: str) -> dict[str, float]:
    names = runs[0].keys() if runs else ()
    return {f"{prefix}_{name}_s": median([run[name] for run in runs]) for name in names}


def run(runs: int = 5, revs: tuple[str, ...] = ()) -> dict[str, object]:
    """Medians per version ("working tree" and each of `revs`): `empty_*_s`, `stored_*_s`; and
    `floor_paint_s`, `bare_python_s`, the machine before and after."""
    from benchmarks.pty_stream import archive
    from benchmarks.stored_bench import build_store

    results: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"working tree": ROOT, **{rev: archive(rev, Path(scratch) / rev.replace("/", "_")) for rev in revs}}
        samples: dict[str, dict[str, list[dict[str, float]]]] = {name: {"empty": [], "stored": [], "default": []} for name in trees}
        floor_runs, python_runs = [], []
        errors: dict[str, str] = {}
        full = Path(scratch) / "tui-app.db"
        build_store(full, STORED_SESSIONS, 500)
        for tree in trees.values():
            compiled(tree)
            app_once(tree, None)  # warm-up: the file cache
        floor_once()
        for _ in range(runs):
            floor_runs.append(floor_once())
            python_runs.append(bare_python())
            for name, tree in trees.items():
                for kind in ("empty", "stored", "default"):
                    try:
                        samples[name][kind].append(app_once(tree, full if kind == "stored" else None, kind != "default"))
                    except (RuntimeError, subprocess.TimeoutExpired) as error:  # a benchmark prints, it never fails
                        errors[f"{name}/{kind}"] = str(error)
        for name in trees:
            results[name] = {key: value for kind in ("empty", "stored", "default") for key, value in _medians(samples[name][kind], kind).items()}
    results["floor_paint_s"] = median([r["paint"] for r in floor_runs])
    results["floor_exit_s"] = median([r["exit"] for r in floor_runs])
    results["bare_python_s"] = median(python_runs)
    if errors:
        results["errors"] = errors
    results["machine_after"] = machine()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cold_start", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rev", action="append", default=[], help="a git revision to measure beside the working tree")
    args = parser.parse_args()
    print(json.dumps(run(args.runs, tuple(args.rev))))


if __name__ == "__main__":
    main()
