"""What the headless benchmarks share: the screen size, and waiting for a probe to settle."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

SIZE = (100, 40)
POLL = 0.01
QUIET = 1.0
"""How long the view must stay unchanged to count as done (the time reported is its last change)."""


async def settle(
    pilot: Pilot[Any], probe: Callable[[], object], timeout: float = 600.0, first_change: bool = False
) -> float:
    """Wait until `probe()` stops changing; the perf_counter of its last change.

    "Stopped" is QUIET seconds without a change, or twice the longest gap seen between two
    changes if that is longer (a loaded machine can take more than QUIET to lay out one frame).
    With `first_change`, the probe must change at least once first (a render that has not
    started yet is not a finished one)."""
    last, changed = probe(), time.perf_counter()
    deadline = changed + timeout
    longest_gap, moved = 0.0, not first_change
    while time.perf_counter() < deadline:
        if moved and time.perf_counter() - changed >= max(QUIET, 2 * longest_gap):
            break
        # A plain sleep, not `pilot.pause`: that gives up after 30 s of a busy screen, and a
        # busy screen is what is being measured. The app runs on this same event loop.
        await asyncio.sleep(POLL)
        now = probe()
        if now != last:
            at = time.perf_counter()
            if moved:
                longest_gap = max(longest_gap, at - changed)
            last, changed, moved = now, at, True
    return changed


def height(widget: Any) -> Callable[[], object]:
    return lambda: (widget.virtual_size.height, widget.max_scroll_y)
