"""The App's action that opens the usage report, apart from `ui/app.py` (which must stay small)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_app.ui.screens.usage_screen import UsageScreen
from tui_app.workspace.usage_report import build_report, live_turns, usage_report

if TYPE_CHECKING:
    from tui_app.workspace.workspace import Workspace


class ReportActions:
    """Mixed into the App: `workspace` and `push_screen` are the App's."""

    workspace: Workspace

    def action_usage_report(self) -> None:
        workspace = self.workspace
        if workspace.store is not None:
            for session in workspace.order:
                session.flush()  # the running turns' latest figures, as the sidebar shows them
            report = usage_report(workspace.store, "day")
        else:
            report = build_report(live_turns(workspace.order, workspace.book.ledger), "day")
        self.push_screen(UsageScreen(report))  # type: ignore[attr-defined]
