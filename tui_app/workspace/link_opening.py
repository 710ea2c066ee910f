"""Opening a link from the transcript with the system's program (`xdg-open`, macOS `open`).

A link's address is the agent's data, so only a web address is ever handed on (http or https,
with a host): never a `file:` path, a `javascript:` or a custom scheme some desktop program
would act on. The program is started detached with the address as its one argument (no shell),
its output discarded, as `file_opening.py` starts it for a file.

`TUI_APP_LINK_OPENER` names another program to use (a browser, or a script in a test).
"""

from __future__ import annotations

import os
import subprocess
from urllib.parse import urlsplit

from tui_app.workspace.file_opening import system_opener

OPENER_VARIABLE = "TUI_APP_LINK_OPENER"
WEB_SCHEMES = ("http", "https")


def is_web_link(url: str) -> bool:
    """Whether `url` is an http(s) address with a host, and nothing a terminal could act on."""
    if not url or any(ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def link_opener() -> str | None:
    """The program that opens links: `TUI_APP_LINK_OPENER` if set, else the system's (or None)."""
    return os.environ.get(OPENER_VARIABLE) or system_opener()


def open_link(opener: str, url: str) -> None:
    """Hand `url` to `opener`. Raises `ValueError` for an address that is not a web link, or
    `OSError` when the program cannot be started."""
    if not is_web_link(url):
        raise ValueError("not a web link")
    subprocess.Popen(
        [opener, url],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl+C in the app does not reach the browser it started
    )
