"""The cockpit's figures: every session's state, costs, spend rate, tokens per second, budget
share and waiting questions, and the totals for today, this week and all sessions.

Costs are the ledger's summaries (`core/cost.py`), the same the usage panel shows; `SpendWatch`
only samples them as they change, so rates can be worked out (`core/spend_rate.py`). It follows
the workspace from the start, so the rate covers the minutes before the cockpit was opened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tui_app.core.events import TurnCompleted, UsageReported
from tui_app.core.cost import AllCost, Cost, CostSummary, summarize
from tui_app.core.session_state import StateKind
from tui_app.core.spend_periods import spent_since, start_of_day, start_of_week
from tui_app.core.spend_series import chart_span
from tui_app.core.spend_rate import Sample, SpendHistory, cumulative, rate_per_minute, tokens_per_second
from tui_app.core.usage_ledger import MoneyUnit
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

SortKey = Literal["cost", "rate", "activity"]
SPARK_SPAN_SECONDS = 600.0
SPARK_POINTS = 30
CLOCK: Callable[[], float] = time.monotonic
"""The watch's clock unless it is given one (snapshot tests pin it)."""
SAMPLE_SECONDS = 1.0
"""At most one sample a second per session while it streams: ten sessions report usage about
50 times a second, and a rate needs no more (a sample is cheap now: the ledger's summary follows
each report by the change alone, `core/cost_summary.py`)."""


@dataclass(frozen=True, slots=True)
class CockpitRow:
    session: SessionController
    state: StateKind
    backend: str
    model: str | None
    turn_cost: Cost | None
    """The last turn's cost so far (None while the ledger has heard nothing of it)."""
    turn_running: bool
    session_cost: Cost
    rate: int | None
    """Spent per minute over the last few minutes, in the session's unit."""
    tokens_per_second: float | None
    budget_share: float | None
    """Share of the session budget spent (1.0 = all of it); None without a budget in dollars."""
    waiting: int
    """Questions the session waits on you for."""
    last_activity: float
    """Monotonic seconds of its latest event."""

    @property
    def unit(self) -> MoneyUnit:
        return self.session_cost.unit


@dataclass(frozen=True, slots=True)
class CockpitTotals:
    today: Mapping[MoneyUnit, Cost]
    week: Mapping[MoneyUnit, Cost]
    overall: AllCost


def _sample(session: SessionController, costs: CostSummary, now: float) -> Sample:
    unit = session.backend.capabilities.money
    return Sample(now, costs.session(session.id, unit).cost.amount, session.transcript.output_tokens)


def model_of(session: SessionController) -> str | None:
    """The model the service last reported, else the one asked for."""
    reported = (t.usage.model for t in reversed(session.transcript.turns) if t.usage and t.usage.model)
    return next(reported, session.model)


class SpendWatch:
    """Samples each session's cost as its changes come; the cockpit reads `rows` and `totals`."""

    def __init__(self, workspace: Workspace, clock: Callable[[], float] | None = None) -> None:
        self.workspace = workspace
        self._clock = clock or (lambda: CLOCK())
        self._histories: dict[str, SpendHistory] = {}
        self._sampled_at: dict[str, float] = {}
        self._unsubscribe = workspace.changes.subscribe(self._changed)

    def detach(self) -> None:
        self._unsubscribe()

    def now(self) -> float:
        """The watch's clock: the moment its figures are for."""
        return self._clock()

    def _changed(self, change: SessionChange) -> None:
        # Called for every streamed token: the figures sampled move only with a usage report or
        # a turn's end (the first change of a session still starts its history at $0). A turn's
        # end is always sampled; its reports at most once a `SAMPLE_SECONDS` (a read, `rows`,
        # samples anew anyway).
        session, event = change.session, change.event
        if session.id not in self._histories or isinstance(event, TurnCompleted):
            self.history(session)
        elif isinstance(event, UsageReported) and self._clock() - self._sampled_at[session.id] >= SAMPLE_SECONDS:
            self.history(session)

    def history(self, session: SessionController) -> SpendHistory:
        """The session's samples, brought up to date now."""
        now = self._sampled_at[session.id] = self._clock()
        sample = _sample(session, summarize(session.book.ledger), now)
        history = self._histories.get(session.id)
        if history is None:
            history = self._histories[session.id] = SpendHistory(sample)
        else:
            history.add(sample)
        return history

    def rows(self) -> list[CockpitRow]:
        """One row per session, in the roster's order."""
        now = self._clock()
        costs = summarize(self.workspace.book.ledger)
        limit = self.workspace.settings.budget.session_micros
        rows = []
        for session in self.workspace.order:
            unit = session.backend.capabilities.money
            spent = costs.session(session.id, unit).cost
            turn = session.transcript.last_turn
            found = costs.turn(session.id, turn.id) if turn is not None else None
            history = self.history(session)
            share = spent.amount / limit if unit == "micros" and limit else None
            rows.append(
                CockpitRow(
                    session,
                    session.state,
                    session.backend.name,
                    model_of(session),
                    found.cost if found is not None else None,
                    turn is not None and turn.state == "running",
                    spent,
                    rate_per_minute(history, now),
                    tokens_per_second(history, now),
                    share,
                    len(self.workspace.questions.waiting(session)),
                    session.last_activity,
                )
            )
        return rows

    def sparkline(self, session: SessionController) -> list[int]:
        """The session's cumulative cost since it was first seen (the last ten minutes at most):
        over a fixed ten minutes, a young session's line would be flat but for its last bar."""
        history, now = self.history(session), self._clock()
        span = min(chart_span([history], now), SPARK_SPAN_SECONDS)
        return cumulative(history, now, span, SPARK_POINTS)

    def totals(self, now: datetime | None = None) -> CockpitTotals:
        """Spent today and this week (local time) and by every session, per unit."""
        now = now or datetime.now()
        costs = summarize(self.workspace.book.ledger)
        dated: list[tuple[float, Cost]] = []
        for session in self.workspace.order:
            first_seen: dict[str, float] = {}
            for message in session.transcript.messages:
                when = session.message_times.get(message.id)
                if message.turn_id is not None and when is not None:
                    first_seen[message.turn_id] = min(when, first_seen.get(message.turn_id, when))
            for turn in session.transcript.turns:
                found = costs.turn(session.id, turn.id)
                if found is not None:
                    dated.append((first_seen.get(turn.id, now.timestamp()), found.cost))
        return CockpitTotals(
            spent_since(dated, start_of_day(now).timestamp()),
            spent_since(dated, start_of_week(now).timestamp()),
            costs.overall,
        )


def sort_rows(rows: list[CockpitRow], key: SortKey) -> list[CockpitRow]:
    """Highest first: dollars before credits (they never compare), then the amount."""
    if key == "cost":
        return sorted(rows, key=lambda r: (r.unit == "micros", r.session_cost.amount), reverse=True)
    if key == "rate":
        return sorted(rows, key=lambda r: (r.unit == "micros", r.rate or 0), reverse=True)
    return sorted(rows, key=lambda r: r.last_activity, reverse=True)
