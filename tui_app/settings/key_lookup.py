"""A key kept in the keyring, looked up by a short-lived process of its own (the app's look-ups).

Asking the keyring costs the asking process what `keyring` imports to find its backend: its
entry points (`importlib.metadata` reading every installed package's metadata) and each backend
it tries (Secret Service's D-Bus and crypto stacks): 10.3 MB of the app's resident memory on a
desktop, 1.4 MB with `PYTHON_KEYRING_BACKEND` set, none of it given back, and the app holds that
until it ends for the one or two keys it reads at its start (issue 16: the peak RSS). A child
process pays it instead and ends: the same rule (`api_keys.stored_key`: never a plain file
silently), the same environment, and the key comes back through a pipe, never a file, an
argument or a log line.

    python -m tui_app.settings.key_lookup BACKEND    (prints the key, or nothing)
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

ANSWER_SECONDS = 300.0
"""How long a keyring may take (one may ask the user to unlock it first)."""


def stored_key_apart(backend_name: str) -> str | None:
    """The key kept for `backend_name`, or None when there is none, no usable keyring, or the
    look-up failed; asked in a child process."""
    root = str(Path(__file__).resolve().parents[2])  # where `tui_app` is, installed or not
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tui_app.settings.key_lookup", backend_name],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=ANSWER_SECONDS, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("the keyring look-up for %s failed: %s", backend_name, type(error).__name__)
        return None
    if done.returncode != 0:
        # Its stderr is not logged: a keyring's traceback may quote what it holds.
        log.warning("the keyring look-up for %s ended with status %d", backend_name, done.returncode)
        return None
    return done.stdout or None


def main(argv: list[str]) -> int:
    from tui_app.settings.api_keys import stored_key

    key = stored_key(argv[0])
    if key:
        sys.stdout.write(key)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
