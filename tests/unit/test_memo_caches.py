"""Rich's and Textual's memo caches of what was drawn, emptied every few seconds while the app
runs (`cli/memo_caches.py`)."""

from __future__ import annotations

import threading
from types import ModuleType

from rich.cells import cached_cell_len, cell_len
from textual.geometry import Region

from tui_app.cli.memo_caches import MEMO_CACHES, MemoClearing, clear_memo_caches


def test_the_memo_caches_of_what_was_drawn_are_emptied() -> None:
    for n in range(300):
        cell_len(f"line {n} of a reply drawn long ago")
        Region(0, n, 80, 1).overlaps(Region(0, 0, 80, 40))
    held = cached_cell_len.cache_info().currsize + Region.overlaps.cache_info().currsize
    assert held >= 600
    assert clear_memo_caches() >= 600
    assert cached_cell_len.cache_info().currsize == 0
    assert Region.overlaps.cache_info().currsize == 0
    assert cell_len("drawn again") == 11  # (and measured as before)


def test_every_named_cache_is_there_in_the_installed_rich_and_textual() -> None:
    # A cache an upgrade took away is passed over quietly: this says when that happens.
    import rich.cells
    import textual.geometry

    modules = {"rich.cells": rich.cells, "textual.geometry": textual.geometry}
    for module_name, path in MEMO_CACHES:
        found: object = modules[module_name]
        for name in path.split("."):
            found = getattr(found, name)
        assert callable(getattr(found, "cache_clear")), path


def test_a_module_not_imported_is_not_imported_for_it() -> None:
    assert clear_memo_caches({}) == 0
    assert clear_memo_caches({"rich.cells": ModuleType("rich.cells")}) == 0  # (no such cache in it)


def test_the_clearing_runs_until_stopped() -> None:
    ran = threading.Semaphore(0)
    clearing = MemoClearing(ran.release, every=0.001).start()
    for _ in range(3):
        assert ran.acquire(timeout=30)
    clearing.stop()
    assert clearing.rounds >= 3 and not clearing.running
