"""The two ways the keyring's child process is made (`keyring_child.py` asks, this starts it).

Forked, when it can be: a copy of the app made before the app has a thread (the very beginning
of `main`, on Linux) starts with every module the app has already imported, so it pays only
what the keyring itself costs, as the app did when it asked in-process. A new interpreter pays
its own start and imports the standard library again (about 50 ms of CPU here): on a machine
with no core to spare that lengthened the first paint it was meant to shorten. On another
system (macOS's frameworks must not be used in a forked copy), or once the app runs threads
(forking then may copy a lock held for ever), the child is a new interpreter
(`python -P -m tui_app.settings.keyring_answer NAME...`).

Either writes one JSON object to a pipe and nothing else anywhere: its stdin, stdout and stderr
are /dev/null, and the backends' key variables are not in its environment.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Protocol

CHILD = "tui_app.settings.keyring_answer"
"""The module a new interpreter runs (its side apart: it imports no more than it needs)."""

_ROOT = str(Path(__file__).resolve().parents[2])
"""Where `tui_app` is, installed or a checked-out tree: the child imports this same code."""


class Child(Protocol):
    def answer(self, limit: float) -> bytes | None:
        """What the child wrote, once it ended with status 0; None when it failed, or did not
        end within `limit` seconds (then it is killed)."""

    def end(self) -> None:
        """Kill the child if it still runs, and reap it."""


class Spawned:
    """A new interpreter."""

    def __init__(self, names: Sequence[str], env: Mapping[str, str], drop: Collection[str]) -> None:
        path = env.get("PYTHONPATH")
        kept = {name: value for name, value in env.items() if name not in drop}
        kept["PYTHONPATH"] = _ROOT + (os.pathsep + path if path else "")
        self._process = subprocess.Popen(
            # -P: the working directory is not first on the child's path, where a `keyring` of
            # a checked-out project would be imported in place of the real one and handed the keys.
            [sys.executable, "-P", "-m", CHILD, *names],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=kept, close_fds=True,
        )  # fmt: skip

    def answer(self, limit: float) -> bytes | None:
        try:
            out, _ = self._process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            self.end()
            return None
        return out if self._process.returncode == 0 else None

    def end(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()


class Forked:
    """A copy of this process, made while it has one thread."""

    def __init__(self, names: Sequence[str], drop: Collection[str]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            _answer_in_copy(names, drop, read, write)  # never returns
        os.close(write)
        self._pid: int | None = pid
        self._read = read
        self._status: int | None = None
        self._reading = threading.Lock()
        """Held by the reader (and by `end` while it reaps): the pipe is closed when the child is
        reaped, and its number may then be another file's."""

    def answer(self, limit: float) -> bytes | None:
        with self._reading:
            if self._pid is None:
                return None  # ended before it was asked: its pipe is closed
            return self._answer(limit)

    def _answer(self, limit: float) -> bytes | None:
        out = bytearray()
        deadline = time.monotonic() + limit
        while True:
            left = deadline - time.monotonic()
            ready = select.select([self._read], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                self._kill()
                self._reap(wait=True)
                return None
            chunk = os.read(self._read, 65536)
            if not chunk:
                break
            out += chunk
        status = self._reap(wait=True)
        return bytes(out) if status == 0 else None

    def _reap(self, wait: bool) -> int | None:
        if self._pid is not None:
            pid, status = os.waitpid(self._pid, 0 if wait else os.WNOHANG)
            if pid:
                self._status, self._pid = os.waitstatus_to_exitcode(status), None
                os.close(self._read)
        return self._status

    def _kill(self) -> None:
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def end(self) -> None:
        self._kill()
        if self._reading.acquire(blocking=False):  # (else the reader sees the pipe close, and reaps it)
            try:
                self._reap(wait=True)
            finally:
                self._reading.release()


def _answer_in_copy(names: Sequence[str], drop: Collection[str], read: int, write: int) -> None:
    """The forked copy's whole life: ask, write, and leave without running anything of the
    app's (no atexit handler, no buffer of the app's flushed twice)."""
    code = 1
    try:
        os.close(read)
        nothing = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(nothing, fd)
        here = os.getcwd()
        # As -P for a new interpreter: a `keyring` in the working directory is not the one imported.
        sys.path[:] = [entry for entry in sys.path if entry not in ("", ".", here)]
        for variable in drop:
            os.environ.pop(variable, None)
        from tui_app.settings.keyring_answer import looked_up

        answer = memoryview(json.dumps(looked_up(names)).encode())
        while answer:
            answer = answer[os.write(write, answer) :]
        code = 0
    finally:
        os._exit(code)


def start(names: Sequence[str], env: Mapping[str, str], drop: Collection[str]) -> Child:
    """A child asking the keyring about `names`; raises OSError when none could be started."""
    if sys.platform == "linux" and env is os.environ and threading.active_count() == 1:
        return Forked(names, drop)
    return Spawned(names, env, drop)
