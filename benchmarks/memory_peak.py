"""Where a long reply's memory goes, seen from inside: RSS by stage and tracemalloc by traceback.

    python -m benchmarks.memory_peak [--tokens 5000] [--rate 200] [--top 15] [--frames 6] [--no-trace]

The real `TuiApp`, headless at 120x40, against `paced_reply_server` in a process of its own (as
`memory_pty` runs it), sends one message and follows the reply. Printed: VmRSS and VmHWM at rest,
every second while the reply streams, at its end and after a full collection; with tracing, the
allocations kept after the reply beside those before it, grouped by traceback, and the highest
traced memory during it above the end (what the decode and drawing allocate transiently). A
diagnosis, not a figure (tracemalloc adds its own memory and time): `memory_pty` gives the RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
from collections import Counter
import os
import subprocess
import sys
import tracemalloc

from benchmarks.common import machine
from benchmarks.memory_pty import status_mb
from benchmarks.pty_stream import ROOT, _read_line
from tests.hostile_server import KEY
from tui_app.backends.api_key import ApiKey
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def malloc_mb() -> tuple[float, float]:
    """(in use, free but kept) by C's allocator, in MB; NaN off glibc."""
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return float("nan"), float("nan")
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return (info.uordblks + info.hblkhd) / 1e6, info.fordblks / 1e6


def rss() -> str:
    pid = os.getpid()
    used, free = malloc_mb()
    return f"RSS {status_mb(pid, 'VmRSS'):6.1f} MB, peak {status_mb(pid, 'VmHWM'):6.1f} MB, malloc {used:5.1f} MB used {free:5.1f} MB free"


def strip_holders(app: TuiApp) -> str:
    """Who keeps the live `Strip`s: each strip is counted once, under the first holder found
    for it, walking down from each holder through the strips' own caches (a strip derived from
    another, styled, cropped, with offsets, is kept in its caches as long as the other lives)."""
    from textual.strip import Strip
    from textual.widget import Widget

    def derived(strip: Strip) -> list[Strip]:
        found: list[Strip] = []
        for slot in Strip.__slots__:
            cache = getattr(strip, slot, None)
            for value in getattr(cache, "_cache", {}).values():
                found.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, Strip))
        return found

    seen: set[int] = set()
    counts: Counter[str] = Counter()

    def count(name: str, roots: object) -> None:
        todo = [strip for strip in roots if isinstance(strip, Strip)]  # type: ignore[attr-defined]
        while todo:
            strip = todo.pop()
            if id(strip) in seen:
                continue
            seen.add(id(strip))
            counts[name] += 1
            todo.extend(derived(strip))

    widgets = [node for screen in app.screen_stack for node in screen.walk_children(with_self=True) if isinstance(node, Widget)]
    for widget in widgets:
        for attribute, value in vars(widget).items() if hasattr(widget, "__dict__") else ():
            if isinstance(value, list):
                count(f"{type(widget).__name__}.{attribute}", value)
            elif hasattr(value, "_lines") and isinstance(value._lines, dict):
                count(f"{type(widget).__name__}.{attribute}", (s for lines in value._lines.values() for s in lines))
        cache = widget._styles_cache
        count(f"styles cache of {type(widget).__name__}", cache._cache.values())
    everything = [thing for thing in gc.get_objects() if isinstance(thing, Strip)]
    count("elsewhere", everything)
    return ", ".join(f"{n} {name}" for name, n in counts.most_common(12))


def region_holders() -> str:
    """What holds the live `Region`s: the type of each one's first referrer (a diagnosis)."""
    from textual.geometry import Region

    regions = [thing for thing in gc.get_objects() if type(thing) is Region]
    kinds: Counter[str] = Counter()
    for region in regions:
        holders = [ref for ref in gc.get_referrers(region) if ref is not regions]
        kinds[type(holders[0]).__qualname__ if holders else "nothing"] += 1
    del regions
    return ", ".join(f"{n} in {name}" for name, n in kinds.most_common(6))


def live() -> str:
    kinds = Counter(type(thing).__qualname__ for thing in gc.get_objects())
    return ", ".join(f"{kinds[name]} {name}" for name in ("Strip", "FIFOCache", "Style", "Segment", "Region"))


async def run(tokens: int, rate: float, top: int, frames: int, trace: bool, since: int) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.paced_reply_server", str(tokens), str(rate)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        port = _read_line(server.stdout, "port", 30)
        app = TuiApp(Connection("casedev", f"http://127.0.0.1:{port}", ApiKey(KEY)))
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(1500):
                if app.current is not None and app.current.state == "ready":
                    break
                await pilot.pause(0.02)
            await pilot.pause(1.0)
            gc.collect()
            print(f"at rest:        {rss()}", flush=True)
            print(f"live objects: {live()}")
            print(f"strips kept by: {strip_holders(app)}")
            if trace:
                tracemalloc.start(frames)
            before = tracemalloc.take_snapshot() if trace else None
            modules = set(sys.modules)
            composer = app.query_one(Composer)
            composer.insert("Stream the long reply, please.")
            composer.action_send()
            await pilot.pause(0.5)
            seconds = 0
            while app.current is None or app.current.state != "ready":
                await pilot.pause(1.0)
                seconds += 1
                if trace and seconds == since:
                    before = tracemalloc.take_snapshot()  # what the reply keeps after its start
                if seconds <= 3 or seconds % 5 == 0:
                    print(f"after {seconds:3} s:   {rss()}", flush=True)
            await pilot.pause(2.0)
            print(f"reply ended:    {rss()}", flush=True)
            print(sorted(name for name in set(sys.modules) - modules if name.split(".")[0] in ("textual", "tui_app", "rich")))
            loaded = Counter(name.split(".")[0] for name in set(sys.modules) - modules)
            print("modules the reply imported: " + ", ".join(f"{name} {count}" for name, count in loaded.most_common()))
            gc.collect()
            print(f"collected:      {rss()}", flush=True)
            print(f"live objects: {live()}")
            print(f"regions held by: {region_holders()}")
            print(f"strips kept by: {strip_holders(app)}")
            if before is not None:
                now, highest = tracemalloc.get_traced_memory()
                print(f"traced: {now / 1e6:.1f} MB now, {highest / 1e6:.1f} MB at most during the reply")
                after = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
                kept = sum(stat.size for stat in after.statistics("filename"))
                print(f"traced at the end: {kept / 1e6:.2f} MB; grown since the baseline, by traceback:")
                for stat in after.compare_to(before, "traceback")[:top]:
                    print(f"  +{stat.size_diff / 1e3:9.1f} kB in {stat.count_diff:+} blocks")
                    for line in stat.traceback.format(most_recent_first=True)[: 2 * frames : 2]:
                        print(f"      {line.strip()}")
                print("by file:")
                for stat in after.statistics("filename")[:top]:
                    print(f"  {stat.size / 1e3:9.1f} kB {stat.count:8} blocks {stat.traceback[0].filename}")
                tracemalloc.stop()
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_peak", description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--frames", type=int, default=6, help="frames kept per traceback")
    parser.add_argument("--no-trace", action="store_true", help="RSS only")
    parser.add_argument("--since", type=int, default=0, help="compare with a snapshot this many seconds into the reply (0: before it)")
    args = parser.parse_args()
    print(machine())
    asyncio.run(run(args.tokens, args.rate, args.top, args.frames, not args.no_trace, args.since))


if __name__ == "__main__":
    main()
