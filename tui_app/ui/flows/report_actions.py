"""The App's action that opens the usage report, apart from `ui/app.py` (which must stay small)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_app.workspace.usage_live import LiveUsage

if TYPE_CHECKING:
    from tui_app.workspace.workspace import Workspace


class ReportActions:
    """Mixed into the App: `workspace` and `push_screen` are the App's."""

    workspace: Workspace

    def action_usage_report(self) -> None:
        from tui_app.ui.screens.usage_screen import UsageScreen  # (when first opened: not before the first paint)

        # The open sessions from memory (as the sidebar shows them, live), the others from the store.
        self.push_screen(UsageScreen(LiveUsage(self.workspace)))  # type: ignore[attr-defined]
