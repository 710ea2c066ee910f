"""The cockpit's chart of spend over time: each session's cumulative cost and their sum, at evenly
spaced moments, with the budgets as flat lines.

Only dollars are charted: credits (Stewrd) are a different unit and never share the dollar axis,
so a session in credits is left out (and counted, so the screen can say so). Amounts stay exact
micro-dollars here; the screen turns them into dollars only to draw. Time is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_app.core.spend_rate import SpendHistory, cumulative

MIN_SPAN_SECONDS = 60.0
"""A chart of a few seconds says nothing: it covers at least the last minute."""
MAX_SPAN_SECONDS = 3600.0
"""As far back as a history keeps its samples (`core/spend_rate.py` `KEEP_SECONDS`)."""
MAX_SESSIONS = 5
"""The costliest sessions get a line each; the total covers them all."""


@dataclass(frozen=True, slots=True)
class ChartedSession:
    """A session as the chart sees it: its title, unit and samples."""

    title: str
    unit: str
    """"micros" (dollars) or "credits"."""
    history: SpendHistory


@dataclass(frozen=True, slots=True)
class SpendLine:
    label: str
    points: tuple[int, ...]
    """Cumulative micro-dollars at each of the chart's moments."""


@dataclass(frozen=True, slots=True)
class SpendChart:
    moments: tuple[float, ...]
    """Seconds relative to now, oldest first; the last is 0 (now)."""
    sessions: tuple[SpendLine, ...]
    """The costliest sessions, costliest first."""
    total: SpendLine
    """Every session in dollars added up, moment by moment (also those without a line)."""
    session_budget: int | None
    overall_budget: int | None
    left_out_credits: int
    """Sessions in credits, not on the dollar axis."""

    @property
    def empty(self) -> bool:
        """Nothing in dollars to draw: no session, or none has spent anything yet."""
        return not any(self.total.points)


def chart_span(histories: Sequence[SpendHistory], now: float) -> float:
    """From the oldest sample to now, within a minute and an hour."""
    oldest = min((history.samples[0].at for history in histories), default=now)
    return min(max(now - oldest, MIN_SPAN_SECONDS), MAX_SPAN_SECONDS)


def spend_chart(
    sessions: Sequence[ChartedSession],
    now: float,
    points: int = 60,
    session_budget: int | None = None,
    overall_budget: int | None = None,
) -> SpendChart:
    """The chart of `sessions` over the span `chart_span` gives, at `points` moments (at least 2)."""
    points = max(points, 2)
    dollars = [s for s in sessions if s.unit == "micros"]
    span = chart_span([s.history for s in dollars], now)
    step = span / (points - 1)
    moments = tuple(-span + i * step for i in range(points - 1)) + (0.0,)
    lines = [SpendLine(s.title, tuple(cumulative(s.history, now, span, points))) for s in dollars]
    total = tuple(sum(line.points[i] for line in lines) for i in range(points))
    costliest = sorted(lines, key=lambda line: line.points[-1], reverse=True)[:MAX_SESSIONS]
    return SpendChart(
        moments,
        tuple(costliest),
        SpendLine("All sessions", total),
        session_budget,
        overall_budget,
        len(sessions) - len(dollars),
    )
