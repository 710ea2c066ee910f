"""Where the app's memory goes turn after turn, seen from inside: tracemalloc and live objects.

    python -m benchmarks.memory_turns [--turns 30] [--warmup 5] [--top 12] [--frames 8] [--no-trace] [--separate]

The real `TuiApp`, headless at 120x40, against the embedded server (in this process, unpaced:
its replay log counts too; `--separate`: a `tui-app serve` process, as `memory_pty` runs it),
sends message after message. After each turn, with a full garbage
collection first: the memory tracemalloc sees, the live objects by type, the process's RSS and
what C's allocator holds (glibc `mallinfo2`: in use, and free but kept; SQLite's page caches
and Python's larger objects live there, out of tracemalloc's sight when it is off). At the end: the
allocations that grew between the end of the warm-up and the last turn, grouped by traceback
(`Snapshot.compare_to(..., "traceback")`), the types whose live count grew, the count per
turn, Python's object arenas (in use and free: what fragmentation holds), the memo caches
(`lru_cache`) that grew, and what the app's `gc.freeze` kept of garbage. Growth that follows the number of turns is a leak or an unbounded cache; a transcript
of n turns holds its n messages, which is the floor. Prints text (a diagnosis, not a figure:
tracemalloc slows the process and adds its own memory; `memory_pty` gives the RSS).
"""

from __future__ import annotations

import argparse
import functools
import asyncio
import os
import sys
import gc
import tempfile
import tracemalloc
from collections import Counter
from contextlib import contextmanager
from collections.abc import Iterator

from benchmarks.common import machine
from benchmarks.memory_peak import malloc_mb
from benchmarks.memory_pty import status_mb
from tests.conftest import connection_to
from tests.hostile_server import KEY
from tui_app.backends.connection import Connection
from tui_app.backends.api_key import ApiKey
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer


def memo_caches() -> dict[str, tuple[int, int | None]]:
    """Every `functools.lru_cache` on a module's function or a class's method (Textual's, Rich's,
    ours): its entries and its bound, by module and name. Found through the modules, not the
    collector: the app freezes what exists once restored (`gc.freeze`), and a frozen object is
    not in `gc.get_objects()`."""
    found: dict[str, tuple[int, int | None]] = {}
    for module in list(sys.modules.values()):
        spaces = [vars(module)] if hasattr(module, "__dict__") else []
        spaces += [vars(value) for value in list(spaces[0].values()) if isinstance(value, type)] if spaces else []
        for space in spaces:
            for value in list(space.values()):
                if isinstance(value, functools._lru_cache_wrapper):  # type: ignore[attr-defined]
                    info = value.cache_info()
                    found[f"{value.__module__}.{value.__qualname__}"] = (info.currsize, info.maxsize)
    return found


def object_arenas() -> dict[str, float]:
    """Python's small-object allocator (`sys._debugmallocstats`, which writes to C's stderr): its
    1 MiB arenas in use and their high-water mark, and the MB in blocks in use, free in used
    pools, and in empty pools kept: what fragmentation holds shows as free, not in use."""
    with tempfile.TemporaryFile(mode="w+") as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        text = captured.read()
    figures: dict[str, float] = {}
    for line in text.splitlines():
        label, _, value = line.partition("=")
        label, value = label.strip("# ").strip(), value.strip().replace(",", "")
        if label in ("arenas highwater mark", "arenas allocated current"):
            figures[label] = int(value)
        elif label in ("bytes in allocated blocks", "bytes in available blocks", "bytes in unused pools"):
            figures[label] = int(value) / 1e6
    return figures


def live_types() -> Counter[str]:
    return Counter(type(thing).__qualname__ for thing in gc.get_objects())


@contextmanager
def serving(separate: bool) -> Iterator[Connection]:
    """A connection to the embedded server in this process, or to a `tui-app serve` process."""
    if not separate:
        with EmbeddedServer(ServerOptions(tokens_per_second=0)) as embedded:
            yield connection_to(embedded)
        return
    from benchmarks.ten_sessions import Server

    server = Server(400.0)
    try:
        yield Connection("casedev", f"http://127.0.0.1:{server.port}", ApiKey(KEY))
    finally:
        server.stop()


async def run(turns: int, warmup: int, top: int, frames: int, trace: bool, separate: bool) -> None:
    with serving(separate) as connection:
        app = TuiApp(connection)
        async with app.run_test(size=(120, 40)) as pilot:

            async def until(condition: object, timeout: float = 60.0) -> None:
                for _ in range(int(timeout / 0.02)):
                    if condition():  # type: ignore[operator]
                        return
                    await pilot.pause(0.02)
                raise RuntimeError("the app did not get there in time")

            await until(lambda: app.current is not None and app.current.state == "ready")
            if trace:
                tracemalloc.start(frames)
            baseline = None
            types_before: Counter[str] = Counter()
            caches_before: dict[str, tuple[int, int | None]] = {}
            arenas_before: dict[str, float] = {}
            print(f"{'turn':>4} {'traced MB':>10} {'objects':>9} {'widgets':>8} {'RSS MB':>7} {'malloc MB':>9} {'free MB':>7}")
            for n in range(1, turns + 1):
                composer = app.query_one(Composer)
                composer.insert(f"turn {n}, tell me about it")
                composer.action_send()
                await until(
                    lambda n=n: app.current is not None
                    and app.current.state == "ready"
                    and len(app.current.transcript.turns) == n
                )
                await pilot.pause(0.3)  # the last frames drawn, the store's writes queued
                gc.collect()
                traced = tracemalloc.get_traced_memory()[0] / 1e6 if trace else float("nan")
                count = len(gc.get_objects())
                # Widgets in the DOM: a transcript that mounts every message grows with the turns.
                widgets = len(app.screen.query("*"))
                used, free = malloc_mb()
                rss = status_mb(os.getpid(), "VmRSS")
                print(f"{n:>4} {traced:>10.2f} {count:>9} {widgets:>8} {rss:>7.1f} {used:>9.1f} {free:>7.1f}", flush=True)
                if n == warmup:
                    baseline = tracemalloc.take_snapshot() if trace else None
                    types_before = live_types()
                    caches_before = memo_caches()
                    arenas_before = object_arenas()
            grown = turns - warmup
            types_after = live_types()
            frozen = gc.get_freeze_count()
            gc.unfreeze()  # garbage among what the app froze once restored is out of the collector's sight
            freed = gc.collect()
            print(f"\nfrozen objects: {frozen}; unfrozen, a collection freed {freed} (cycles the freeze kept)")
            print(f"\nPython's object arenas, turn {warmup} -> turn {turns} (MB, or a count):")
            for label, value in object_arenas().items():
                print(f"  {arenas_before.get(label, 0):>8.2f} -> {value:>8.2f} {label}")
            print(f"\nmemo caches (lru_cache) grown from turn {warmup} to {turns}: entries then -> now (bound)")
            for name, (size, bound) in sorted(memo_caches().items(), key=lambda item: -item[1][0]):
                then = caches_before.get(name, (0, bound))[0]
                if size > then:
                    print(f"  {then:>6} -> {size:>6} ({bound}) {name}")
            print(f"\nlive objects grown from turn {warmup} to {turns} (per turn):")
            for name, more in (types_after - types_before).most_common(top):
                print(f"  {more:>7} ({more / grown:6.1f}/turn) {name}")
            if baseline is not None:
                last = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
                print(f"\nallocations grown from turn {warmup} to {turns}, by traceback (most recent call first):")
                for stat in last.compare_to(baseline, "traceback")[:top]:
                    if stat.size_diff <= 0:
                        continue
                    print(f"  +{stat.size_diff / 1e3:9.1f} kB ({stat.size_diff / grown / 1e3:6.1f} kB/turn) in {stat.count_diff:+} blocks")
                    for line in stat.traceback.format(most_recent_first=True)[: 2 * frames : 2]:
                        print(f"      {line.strip()}")
                tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_turns", description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5, help="turns before the baseline (caches filling)")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--frames", type=int, default=8, help="frames kept per traceback")
    parser.add_argument("--no-trace", action="store_true", help="live objects only (faster)")
    parser.add_argument("--separate", action="store_true", help="against a `tui-app serve` process (400 tok/s)")
    args = parser.parse_args()
    print(machine())
    asyncio.run(run(args.turns, min(args.warmup, args.turns - 1), args.top, args.frames, not args.no_trace, args.separate))


if __name__ == "__main__":
    main()
