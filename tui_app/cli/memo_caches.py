"""Rich's and Textual's memo caches of what was drawn, emptied every few seconds on a thread of
its own (started with the app, never for a short command).

Rich measures the width of every piece of text it draws through an `lru_cache` of 4,096 entries
(`rich.cells.cached_cell_len`, each a string that was on screen), and Textual memoises its
`Region` arithmetic in caches of 1,024 to 4,096 entries. Their bounds count entries, not bytes,
and a transcript draws new text every turn, so they fill with lines long gone: 1.0-1.4 MB of
the app's growth over 50 turns, and its growth after the 25th fell from 0.08 to 0.01 MB a turn
(`python -m benchmarks.memory_pty`). What is on screen refills them within a frame; a miss
costs one measurement.

Only caches of modules already imported are touched (the server's process draws nothing); a
cache a later Rich or Textual no longer has is passed over.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from types import ModuleType

MEMO_CACHES: tuple[tuple[str, str], ...] = (
    ("rich.cells", "cached_cell_len"),
    *(
        ("textual.geometry", f"Region.{method}")
        for method in ("overlaps", "contains_region", "translate", "__contains__", "grow", "shrink", "intersection", "union")
    ),
)
"""(module, function or Class.method) of each memo cache emptied: those that grow with what is drawn."""

CLEAR_SECONDS = 5.0
"""Often enough that the caches stay far below their bounds, rare enough to cost nothing."""


def _cache_of(module: ModuleType, path: str) -> object | None:
    found: object = module
    for name in path.split("."):
        found = getattr(found, name, None)
        if found is None:
            return None
    return found if callable(getattr(found, "cache_clear", None)) and callable(getattr(found, "cache_info", None)) else None


def clear_memo_caches(modules: Mapping[str, ModuleType] = sys.modules) -> int:
    """Empty every cache of `MEMO_CACHES` whose module is imported; return the entries dropped."""
    dropped = 0
    for module_name, path in MEMO_CACHES:
        module = modules.get(module_name)
        cache = None if module is None else _cache_of(module, path)
        if cache is None:
            continue
        dropped += cache.cache_info().currsize  # type: ignore[attr-defined]
        cache.cache_clear()  # type: ignore[attr-defined]
    return dropped


class MemoClearing:
    """Calls `clear` every `every` seconds until stopped (a daemon thread: it never holds up an
    exit; `cache_clear` is safe from any thread)."""

    def __init__(self, clear: Callable[[], object] = clear_memo_caches, every: float = CLEAR_SECONDS) -> None:
        self.clear = clear
        self.every = every
        self.rounds = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memo-clearing", daemon=True)

    def start(self) -> MemoClearing:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            self.clear()
            self.rounds += 1
