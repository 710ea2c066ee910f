"""The restored sessions' data lives as long as the app: keep it out of the collector's full passes.

Python's cyclic collector runs a full pass over every tracked object now and then, triggered by
ordinary allocation. With 5,000 stored messages restored, one pass took 80-140 ms, and it fell
on whatever ran then: typically the mounting of a transcript page just after a switch, a stall
of the whole event loop. The restored transcripts are immutable data that stay until the app
exits, so they are moved out of the collector's generations once restored (`gc.freeze`): a
full pass then scans only what was made since. They are still freed by reference counting;
only a reference cycle among them would outlive its last use, and transcripts hold none.
"""

from __future__ import annotations

import gc


def settle_restored() -> None:
    """Call once the stored sessions are restored (and nothing else large is under way)."""
    gc.freeze()
