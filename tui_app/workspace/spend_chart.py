"""The data of the cockpit's chart of spend over time (`core/spend_series.py`), from the samples
`SpendWatch` keeps of every session and the budgets in the settings."""

from __future__ import annotations

from tui_app.core.spend_series import ChartedSession, SpendChart, spend_chart
from tui_app.workspace.cockpit import SpendWatch

CHART_POINTS = 60


def cockpit_chart(watch: SpendWatch, points: int = CHART_POINTS) -> SpendChart:
    """Every session's cumulative cost since the watch first saw it (an hour at most), now."""
    workspace = watch.workspace
    sessions = [
        ChartedSession(session.title, session.backend.capabilities.money, watch.history(session))
        for session in workspace.order
    ]
    budget = workspace.settings.budget
    return spend_chart(sessions, watch.now(), points, budget.session_micros, budget.overall_micros)
