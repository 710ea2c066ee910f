"""The footer's replaced keys leave none of their drawn lines behind (issue 16).

Textual 8.2.8 keeps the styles caches of up to 1,024 removed widgets alive (an `lru_cache` on a
method of the cache), each with the lines its widget last drew; the footer recomposes its keys
whenever the bindings change, so every turn left a dozen drawn keys behind, for about 90 turns."""

from __future__ import annotations

import gc

from textual.strip import Strip

from tests.ui.test_footer_keys_released import Toggling

CHANGES = 60


def live_strips() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Strip))


async def test_binding_changes_do_not_keep_the_lines_of_removed_keys() -> None:
    app = Toggling()
    async with app.run_test() as pilot:

        async def toggle(times: int) -> None:
            for _ in range(times):
                app.enabled = not app.enabled
                app.refresh_bindings()
                await pilot.pause(0.02)
            await pilot.pause()

        await toggle(10)  # Textual's own caches of strips (blanks, styles) filled
        before = live_strips()
        await toggle(CHANGES)
        grown = live_strips() - before
    # Before: 240 more strips (two keys of two strips each, per change).
    assert grown < CHANGES // 2, f"{grown} more strips alive after {CHANGES} footer changes"
