"""The adapters' modules imported without httpx's command-line client.

httpx's package imports its `httpx` command (`httpx._main`: click, Pygments, Rich's progress bars
and tables) whenever click is installed, and falls back to a stub when it is not. The app never
runs that command; uvicorn installs click beside it, so every run paid for it: about 1.5-2.7 MB
resident and 40 ms on the thread that connects, right after the first screen (issue 16). While
httpx is first imported, `click` is marked missing (`sys.modules[name] = None` makes an import of
it fail, as Python documents), so httpx takes its own fallback; the mark is lifted at once.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType

_LOCK = threading.Lock()


def import_adapter(module: str) -> ModuleType:
    """`module`, importing httpx (if it is not yet) without its command-line client."""
    with _LOCK:
        if "httpx" in sys.modules or "click" in sys.modules:
            return importlib.import_module(module)  # click is wanted elsewhere (the embedded server's uvicorn)
        sys.modules["click"] = None  # type: ignore[assignment]
        try:
            import httpx  # noqa: F401 -- the import this is for
        finally:
            del sys.modules["click"]
    return importlib.import_module(module)
