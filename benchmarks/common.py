"""What every benchmark shares: machine facts, medians, process CPU and peak memory, a document."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), load average {load}, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return median([measure() for _ in range(runs)])


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this whole process (every thread), user + system."""
    return time.process_time()


@dataclass(slots=True)
class CpuWindow:
    """CPU use of this process between `start()` and `stop()`, as a share of one core."""

    wall: float = 0.0
    cpu: float = 0.0
    _wall0: float = 0.0
    _cpu0: float = 0.0

    def start(self) -> CpuWindow:
        self._wall0, self._cpu0 = time.perf_counter(), cpu_seconds()
        return self

    def stop(self) -> CpuWindow:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = cpu_seconds() - self._cpu0
        return self

    @property
    def percent(self) -> float:
        return 100 * self.cpu / self.wall if self.wall else float("nan")


SECTION = """## Section {n}: a long reply

The agent explains step {n} of the plan, in **plain words** with `inline code` and a
[link](https://example.com/{n}). It goes on for a while, so the paragraph wraps over several
lines of a 100-column terminal and has to be laid out again whenever it grows.

- first point of step {n}, short
- second point, with *emphasis* and a longer tail that wraps onto the next line of the list
  1. a nested item
  2. another nested item

> A quote about step {n}: what was tried, and why it did not work the first time.

```python
def step_{n}(values: list[int]) -> int:
    total = 0
    for value in values:
        total += value * {n}
    return total
```

| step | cost | note |
|---|---|---|
| {n} | {cost} µ$ | cell text |
| {n}b | {cost2} µ$ | another cell |

"""


def reply_text(tokens: int) -> str:
    """A Markdown reply of about `tokens` 4-character tokens, the same every run."""
    parts: list[str] = []
    size, n = 0, 1
    while size < tokens * 4:
        section = SECTION.format(n=n, cost=n * 15, cost2=n * 7)
        parts.append(section)
        size += len(section)
        n += 1
    return "".join(parts)[: tokens * 4]


def tokens_of(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]
