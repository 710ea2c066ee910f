"""The usage report kept current while sessions stream (the F10 screen): the stored sessions that
are not open are read once, the open ones come from the shared ledger at each report, so a
report costs no disk read however often it is drawn. The same figures as `tui-app usage`."""

from __future__ import annotations

from collections.abc import Callable

from tui_app.core.events import TurnCompleted, UsageReported
from tui_app.workspace.changes import RosterChange, SessionChange
from tui_app.workspace.usage_report import DatedTurn, Grouping, UsageReport, build_report, dated_turns, live_turns
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
        self._last_seen: dict[str, list[DatedTurn]] = {}
        """Each open session's turns as last reported: kept when it leaves the roster (ended)."""

    def report(self) -> UsageReport:
        workspace = self.workspace
        by_session: dict[str, list[DatedTurn]] = {session.id: [] for session in workspace.order}
        for turn in live_turns(workspace.order, workspace.book.ledger):
            by_session[turn.record.id].append(turn)
        self._last_seen.update(by_session)
        stored = [turn for turn in self._stored if turn.record.id not in self._last_seen]
        return build_report([*stored, *(t for turns in self._last_seen.values() for t in turns)], self.by)

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
