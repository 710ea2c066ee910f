"""The keys kept in the keyring, asked by one short-lived child process started with the app.

Asking the keyring costs the asking process what `keyring` imports to find its backend: every
installed package's entry points and each backend it tries (Secret Service's D-Bus and crypto
stacks): 1.4 MB of resident memory with `PYTHON_KEYRING_BACKEND` set, 10 MB on a desktop, never
given back, for the one or two keys read at the start (issue 16: the peak RSS). A child pays it
and ends. When the backend choice needs its answer before the first paint (no backend named,
no key in the environment) it is started at the very beginning of `main`, so it works while the
app imports its first screen; otherwise when a key is first wanted (the other backends', after
the first paint). One process for every name, not one per look-up.

The child obeys the same rule as the app did (`api_keys.stored_key`: never a plain file
silently), in the same environment less the backends' key variables (it needs none), and writes
the keys to its stdout pipe only: never a file, an argument or a log line. Its stderr goes
nowhere, since a keyring's traceback might quote what it holds.

The child runs `python -P -m tui_app.settings.keyring_answer NAME...`.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

ANSWER_SECONDS = 300.0
"""How long the keyring may take; one may ask its owner to unlock it first. Past it, no key."""

CHILD = "tui_app.settings.keyring_answer"
"""The module the child runs (its side apart: it imports no more than it needs)."""

_ROOT = str(Path(__file__).resolve().parents[2])
"""Where `tui_app` is, installed or a checked-out tree: the child imports this same code."""


def _child_environment(env: Mapping[str, str], drop: Collection[str]) -> dict[str, str]:
    path = env.get("PYTHONPATH")
    kept = {name: value for name, value in env.items() if name not in drop}
    kept["PYTHONPATH"] = _ROOT + (os.pathsep + path if path else "")
    return kept


class KeyringChild:
    """The keyring's answer for a fixed set of backend names, asked at once by a child process.

    `stored_key` is a `KeyLookup`: it waits for the child's answer the first time (from any
    thread) and reads the cached answer after. A name that was not asked is asked in this process.
    """

    def __init__(
        self,
        names: Sequence[str],
        env: Mapping[str, str] = os.environ,
        drop: Collection[str] = (),
        limit: float = ANSWER_SECONDS,
        at_once: bool = True,
    ) -> None:
        """Ask about `names` (none: no child); `at_once`: start the child now, else when first
        asked (a start that needs no key before its first paint leaves the CPU to the app)."""
        self._names = tuple(dict.fromkeys(names))
        self._env = env
        self._drop = drop
        self._limit = limit
        self._lock = threading.Lock()
        self._answer: dict[str, str | None] | None = None if self._names else {}
        self._process: subprocess.Popen[bytes] | None = None
        self._closed = False
        if at_once:
            with self._lock:
                self._start()

    def _start(self) -> None:
        if self._answer is not None or self._process is not None:
            return
        if self._closed:  # (the app has ended: nothing to ask for)
            self._answer = dict.fromkeys(self._names)
            return
        try:
            self._process = subprocess.Popen(
                # -P: the working directory is not first on the child's path, where a `keyring`
                # of a checked-out project would be imported in place of the real one and
                # handed the keys.
                [sys.executable, "-P", "-m", CHILD, *self._names],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=_child_environment(self._env, self._drop), close_fds=True,
            )  # fmt: skip
        except OSError as error:
            log.warning("the keyring look-up could not start: %s", type(error).__name__)
            self._answer = dict.fromkeys(self._names)

    @property
    def names(self) -> tuple[str, ...]:
        """The backend names the child was asked about."""
        return self._names

    def stored_key(self, name: str) -> str | None:
        """The key kept for `name`, or None: none kept, no usable keyring, or the look-up failed."""
        if name not in self._names:
            from tui_app.settings.api_keys import stored_key

            return stored_key(name)
        return self._answered().get(name)

    def _answered(self) -> dict[str, str | None]:
        with self._lock:
            self._start()
            if self._answer is None:
                self._answer = self._read()
            return self._answer

    def _read(self) -> dict[str, str | None]:
        nothing: dict[str, str | None] = dict.fromkeys(self._names)
        process = self._process
        assert process is not None
        try:
            out, _ = process.communicate(timeout=self._limit)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            log.warning("the keyring gave no answer within %.0f s; no stored key is used", self._limit)
            return nothing
        if process.returncode != 0:
            log.warning("the keyring look-up ended with status %d", process.returncode)
            return nothing
        try:
            found = json.loads(out)
        except ValueError:
            log.warning("the keyring look-up answered something other than JSON")
            return nothing
        if not isinstance(found, dict):
            log.warning("the keyring look-up answered something other than a JSON object")
            return nothing
        return {name: value if isinstance(value := found.get(name), str) and value else None for name in self._names}

    def close(self) -> None:
        """End the child if it is still running (the app ended before it needed the answer)."""
        self._closed = True
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()  # (not under the lock: a reader may be waiting on the child)
        process.wait()
