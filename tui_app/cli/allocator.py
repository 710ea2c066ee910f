"""C's allocator set once at start-up for a process that runs for hours: freed memory goes back.

glibc's malloc raises its mmap threshold after a large block mapped on its own is freed (up to
32 MiB), so later blocks of that size (a frame's whole text, SQLite's pages, a reply's growing
string) are carved out of the heap instead, and the heap grows with holes its top cannot give
back. Fixing the threshold keeps such blocks mapped on their own, returned when freed; a trim
threshold of the same size gives the heap's free top back sooner. Measured over 50 turns against
a separate server (`python -m benchmarks.memory_pty --env`): the C heap grew 1.3-1.8 MB instead
of 2.8-3.2, the whole process 9.8-10.4 MB instead of 11.3-11.8, at no cost in CPU.

(`malloc_trim` every few seconds was measured too: 0.3 MB less over 50 turns, within the noise,
for a walk of the heaps that holds malloc's lock for 2-10 ms: not kept.)

Only where glibc is the C library (elsewhere, and where the user set glibc's own `MALLOC_*`
variables, nothing is changed). `ctypes` is imported only then.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Mapping

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameters (malloc.h)."""

THRESHOLD_BYTES = 128 * 1024
"""glibc's own starting mmap threshold, kept fixed; the trim threshold set to match."""

SETTINGS: tuple[tuple[int, str, int], ...] = (
    (M_MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_", THRESHOLD_BYTES),
    (M_TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_", THRESHOLD_BYTES),
)
"""Each parameter, the environment variable by which glibc lets the user set it, its value."""

Mallopt = Callable[[int, int], int]


def glibc_mallopt() -> Mallopt | None:
    """glibc's `mallopt`, or None where the C library is another (musl, macOS, Windows)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt  # type: ignore[no-any-return]


def tune_allocator(
    environ: Mapping[str, str] = os.environ, mallopt: Callable[[], Mallopt | None] = glibc_mallopt
) -> dict[str, int]:
    """Set what `SETTINGS` names, except what the user set in the environment; return what was
    set (by variable name), empty where the C library is not glibc."""
    wanted = [(parameter, name, value) for parameter, name, value in SETTINGS if name not in environ]
    call = mallopt() if wanted else None
    if call is None:
        return {}
    # mallopt returns 1 on success, 0 on a value it refuses.
    return {name: value for parameter, name, value in wanted if call(parameter, value) == 1}

