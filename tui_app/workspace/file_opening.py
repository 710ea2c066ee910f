"""Opening a session's file with the system's own program (`xdg-open`, macOS `open`).

Only when that program is on PATH: otherwise the app offers no such key. The file is first
saved into a private temporary folder, with the same checks as any save (its path is the
service's data), and the program is started detached, its output discarded: it must not draw
over the app's screen.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tui_app.workspace.file_saving import save_into

OPENERS = {"darwin": "open"}
"""The opener per platform; every other one (Linux, the BSDs) has freedesktop's `xdg-open`."""


def system_opener() -> str | None:
    """The opener's full path, or None when this system has none on PATH."""
    return shutil.which(OPENERS.get(sys.platform, "xdg-open"))


def open_copy(opener: str, remote_path: str, content: bytes) -> Path:
    """Save `content` in a new private temporary folder and hand it to `opener`; the path opened.
    Raises `UnsafePath` (nothing written) or `OSError`."""
    folder = Path(tempfile.mkdtemp(prefix="tui-app-file-"))
    target = save_into(folder, remote_path, content)
    subprocess.Popen(
        [opener, str(target)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl+C in the app does not reach the viewer it started
    )
    return target
