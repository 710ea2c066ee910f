"""How fast a session spends: samples of its ledger cost and output tokens over time, and the
rates and sparkline drawn from them.

The amounts sampled are the ledger's (`core/cost.py`), so the cockpit's figures are never a
second computation of cost: only their change over time is worked out here. Time is passed in
(monotonic seconds), never read, so the figures replay exactly in tests.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

RATE_WINDOW_SECONDS = 300.0
"""Spend rate: over the last five minutes (or the session's life, if shorter)."""
TOKENS_WINDOW_SECONDS = 10.0
"""Tokens per second: over the last ten seconds, so a finished turn falls back to 0 soon."""
KEEP_SECONDS = 3600.0
"""Samples older than this (but the one a window starts from) are dropped."""
MAX_SAMPLES = 5000


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    """Monotonic seconds."""
    spent: int
    """The session's known cost so far, in its unit (micro-dollars or credits)."""
    output_tokens: int


class SpendHistory:
    """The samples of one session, oldest first; a sample is kept only when a figure moved."""

    def __init__(self, first: Sample) -> None:
        self._samples: deque[Sample] = deque([first], maxlen=MAX_SAMPLES)

    @property
    def samples(self) -> tuple[Sample, ...]:
        return tuple(self._samples)

    @property
    def latest(self) -> Sample:
        return self._samples[-1]

    def add(self, sample: Sample) -> None:
        last = self._samples[-1]
        if sample.spent == last.spent and sample.output_tokens == last.output_tokens:
            return
        self._samples.append(sample)
        # Keep one sample at or before the cut: a window that starts there needs its value.
        while len(self._samples) > 2 and self._samples[1].at <= sample.at - KEEP_SECONDS:
            self._samples.popleft()


def _at(samples: tuple[Sample, ...], when: float) -> Sample:
    """The latest sample at or before `when` (the first one if all are later)."""
    found = samples[0]
    for sample in samples:
        if sample.at > when:
            break
        found = sample
    return found


def _window(samples: tuple[Sample, ...], now: float, window: float) -> tuple[Sample, Sample, float] | None:
    start = max(now - window, samples[0].at)
    elapsed = now - start
    if elapsed <= 0:
        return None
    return _at(samples, start), samples[-1], elapsed


def rate_per_minute(history: SpendHistory, now: float, window: float = RATE_WINDOW_SECONDS) -> int | None:
    """What the session spent per minute over the last `window` seconds (or since it was first
    sampled, if later), rounded to a whole unit; None when no time has passed yet."""
    found = _window(history.samples, now, window)
    if found is None:
        return None
    before, after, elapsed = found
    return round((after.spent - before.spent) * 60 / elapsed)


def tokens_per_second(history: SpendHistory, now: float, window: float = TOKENS_WINDOW_SECONDS) -> float | None:
    """Output tokens per second over the last `window` seconds; None when no time has passed."""
    found = _window(history.samples, now, window)
    if found is None:
        return None
    before, after, elapsed = found
    return max(after.output_tokens - before.output_tokens, 0) / elapsed


def cumulative(history: SpendHistory, now: float, span: float, points: int) -> list[int]:
    """The session's cost at `points` evenly spaced moments over the last `span` seconds, the
    last one now: what a sparkline of its cumulative cost draws."""
    samples = history.samples
    if points < 2:
        return [samples[-1].spent]
    step = span / (points - 1)
    return [_at(samples, now - span + i * step).spent for i in range(points)]
