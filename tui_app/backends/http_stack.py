"""The adapters' modules imported without httpx's command-line client.

httpx's package imports its `httpx` command (`httpx._main`: click, Pygments, Rich's progress bars
and tables) whenever click is installed, and falls back to a stub when that import fails. The app
never runs that command, and uvicorn installs click beside it, so every run paid for it: about
1.5-2.7 MB resident and 40 ms on the thread that connects, right after the first screen (issue
16). While httpx is first imported, a finder placed first on `sys.meta_path` refuses
`httpx._main` alone, so httpx takes its own fallback; click stays importable for whoever wants
it, on any thread (the embedded server's uvicorn may be importing it at that moment).
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

COMMAND_LINE = "httpx._main"
_LOCK = threading.Lock()


class _WithoutCommandLine:
    """A meta path finder that finds nothing, and refuses httpx's command-line module."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name == COMMAND_LINE:
            raise ModuleNotFoundError(f"{COMMAND_LINE} is not used by tui-app", name=name)
        return None  # every other module is found as ever, by the finders after this one


def import_adapter(module: str) -> ModuleType:
    """`module`, importing httpx (if it is not yet) without its command-line client."""
    with _LOCK:
        if "httpx" not in sys.modules:
            finder = _WithoutCommandLine()
            sys.meta_path.insert(0, finder)
            try:
                import httpx  # noqa: F401 -- the import this is for
            finally:
                sys.meta_path.remove(finder)
    return importlib.import_module(module)
