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

How the child is made (a copy of the app at the start, or a new interpreter): `keyring_process.py`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Collection, Mapping, Sequence

from tui_app.settings import keyring_process
from tui_app.settings.keyring_process import Child

log = logging.getLogger(__name__)

ANSWER_SECONDS = 300.0
"""How long the keyring may take; one may ask its owner to unlock it first. Past it, no key."""


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
        self._child: Child | None = None
        self._closed = False
        if at_once:
            with self._lock:
                self._start()

    def _start(self) -> None:
        if self._answer is not None or self._child is not None:
            return
        if self._closed:  # (the app has ended: nothing to ask for)
            self._answer = dict.fromkeys(self._names)
            return
        try:
            self._child = keyring_process.start(self._names, self._env, self._drop)
        except OSError as error:
            log.warning("the keyring look-up could not start: %s", type(error).__name__)
            self._answer = dict.fromkeys(self._names)

    @property
    def started(self) -> bool:
        """Whether a child was started (or an answer is known without one)."""
        return self._child is not None

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
        child = self._child
        assert child is not None
        out = child.answer(self._limit)
        if out is None:
            log.warning("the keyring gave no answer (it failed, or took over %.0f s); no stored key is used", self._limit)
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
        child = self._child
        if child is not None and self._answer is None:
            child.end()  # (not under the lock: a reader may be waiting on the child)
