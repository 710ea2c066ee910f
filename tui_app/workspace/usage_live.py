"""The usage report kept current while sessions stream (the F10 screen): the stored sessions that
are not open are read once, the open ones come from the shared ledger at each report, so a
report costs no disk read however often it is drawn. The same figures as `tui-app usage`."""

from __future__ import annotations

from collections.abc import Callable

from tui_app.core.events import TurnCompleted, UsageReported
from tui_app.workspace.changes import RosterChange, SessionChange
from tui_app.workspace.usage_report import Grouping, UsageReport, build_report, dated_turns, live_turns
from tui_app.workspace.workspace import Workspace


def moves_a_figure(change: SessionChange) -> bool:
    """A usage report or a turn's end: the only changes that move what a report shows (every
    streamed token is a change too)."""
    return isinstance(change.event, UsageReported | TurnCompleted)


class LiveUsage:
    def __init__(self, workspace: Workspace, by: Grouping = "day") -> None:
        self.workspace = workspace
        self.by = by
        store = workspace.store
        opened = {session.id for session in workspace.order}
        self._stored = [] if store is None else list(dated_turns(store, skip=opened))
        # An ended session stays open; one that leaves the roster had its history deleted, so
        # it leaves the report too.

    def report(self) -> UsageReport:
        workspace = self.workspace
        opened = set(workspace.sessions)
        stored = (turn for turn in self._stored if turn.record.id not in opened)
        return build_report([*stored, *live_turns(workspace.order, workspace.book.ledger)], self.by)

    def subscribe(self, stale: Callable[[], None]) -> Callable[[], None]:
        """Call `stale` when the report may have changed; returns the unsubscribe."""

        def changed(change: SessionChange) -> None:
            if moves_a_figure(change):
                stale()

        def roster(_change: RosterChange) -> None:
            stale()

        undo = [self.workspace.changes.subscribe(changed), self.workspace.roster.subscribe(roster)]

        def unsubscribe() -> None:
            for step in undo:
                step()

        return unsubscribe
