"""Which sessions have files from a turn the user has not looked at yet: the sidebar's mark.

Stewrd hands files back with a reply (`FilesReturned`): that turn made them. Case.dev keeps them
in the sandbox, so when a turn ends its list is asked for (`GET …/files`) and compared with the
one seen before the turn: a new path, or a size that changed, is a new file. The list before
a chat's first turn is empty; before a later one it is the last list seen (at a turn's end or in
the files view), else asked for when the turn starts (a turn that writes before that answer
comes is missed). Without one, nothing is marked: a mark that says "new" of files that may be
old would teach people to ignore it. A list also tells which turn wrote each new path.

Like the unread mark, it is news from a session off screen: a turn that ends on screen marks
nothing (its list is still taken, for the next turn to be compared with). That also keeps the
session on screen the same whatever the timing of that list, since the embedded server's demo
agent writes a file every turn. The mark is cleared when the files view opens (`looked`). It is
kept with the session's record (`SessionController.mark_new_files`), so a restart shows it still.

Off screen, turns that end within `OFF_SCREEN_LIST_INTERVAL` of the last list share one list,
taken that long after it (a session working through queued messages ends a turn every few
seconds, and each list is a request: a connection, headers, JSON). Whatever they made is marked
all the same, only up to that much later, and is noted as the last of those turns'. The list is
taken at once when a turn ends on screen and when the files view asks (`settled`). A list whose
time comes while another of the session's turns runs waits for that turn's end (a service's
agent writes files as it works: listed mid-turn, they would be noted as the turn before's).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from tui_app.backends.base import RemoteFile
from tui_app.backends.errors import BackendError
from tui_app.core.events import FilesReturned, TurnCompleted, TurnStarted
from tui_app.core.session_state import TERMINAL
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.signal import Signal

log = logging.getLogger(__name__)

Listing = frozenset[tuple[str, int | None]]

OFF_SCREEN_LIST_INTERVAL = 10.0
"""Seconds between two lists of an off-screen session's files taken at its turns' ends."""


@dataclass(slots=True)
class _Check:
    """A list of a session's files, to take after one or more of its turns ended."""

    turn: int
    """The last turn it covers (1 is the first): the one new files are noted with."""
    off_screen: bool
    """Whether one of those turns ended off screen: what they made is then marked."""
    now: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the list is wanted at once (a turn on screen, the files view)."""
    asked: bool = False
    """The files view wants it: taken at once, even while a turn runs."""
    overdue: bool = False
    """Its time came while a turn of the session ran: that turn's end takes it."""


def _turn_runs(session: SessionController) -> bool:
    turn = session.transcript.last_turn
    return turn is not None and turn.state == "running"


def has_new_files(session: SessionController) -> bool:
    """Whether a turn of `session` made files not looked at since (the sidebar row's mark)."""
    return session.new_files


def listing_of(files: Iterable[RemoteFile]) -> Listing:
    return frozenset((file.path, file.size) for file in files)


def sandbox_lists(session: SessionController) -> bool:
    """Whether the session's service lists its files, and can now (its sandbox is not gone)."""
    return session.backend.capabilities.files and session.remote is not None and session.state not in TERMINAL


class NewFiles:
    """Follows `changes` and marks the sessions whose turns made files; `checked` announces each
    turn's end once its files are known (a files view on screen lists them again then)."""

    def __init__(
        self,
        changes: Signal[SessionChange],
        unread: Callable[[SessionController], bool],
        current: Callable[[], SessionController | None],
        interval: float = OFF_SCREEN_LIST_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._changes = changes
        self._unread = unread
        self._current = current
        self._interval = interval
        self._clock = clock
        self._seen: dict[str, Listing] = {}
        self._before: dict[str, asyncio.Task[None]] = {}
        self._after: dict[str, asyncio.Task[None]] = {}
        self._waiting: dict[str, _Check] = {}
        """Checks not asked of the service yet, by session: a later turn's end joins them."""
        self._listed_at: dict[str, float] = {}
        """When each session's files were last asked for at a turn's end off screen (`clock`)."""
        self._tasks: set[asyncio.Task[None]] = set()
        self.checked: Signal[SessionController] = Signal("files checked")
        self._unsubscribe = changes.subscribe(self._changed)

    def detach(self) -> None:
        self._unsubscribe()
        for task in [*self._tasks, *self._before.values()]:
            task.cancel()

    def looked(self, session: SessionController, listing: Iterable[tuple[str, int | None]] | None = None) -> None:
        """The user has the session's files in front of them: no mark, and `listing` (the paths
        and sizes they see in the sandbox) is what the next turn is compared with."""
        if listing is not None:
            self._seen[session.id] = frozenset(listing)
        if session.new_files:
            session.mark_new_files(False)
            self._redraw(session)

    async def settled(self, session: SessionController) -> None:
        """Once the list after the session's last turn is taken (at once when none is pending),
        so a files view opened just then shows which turn wrote what."""
        if (check := self._waiting.get(session.id)) is not None:
            check.asked = True
            check.now.set()
        if (task := self._after.get(session.id)) is not None:
            await asyncio.wait({task})

    def turn_of(self, session: SessionController, path: str) -> int | None:
        """Which turn wrote `path` last, where a list showed it appear (kept across a restart); else None."""
        return session.file_turns.get(path)

    def _changed(self, change: SessionChange) -> None:
        session, event = change.session, change.event
        if isinstance(event, FilesReturned) and event.files:
            if session is not self._current():
                session.mark_new_files(True)  # the row is drawn for this very change: no redraw of its own
        elif isinstance(event, TurnStarted) and sandbox_lists(session) and session.id not in self._seen:
            if len(session.transcript.turns) <= 1:
                self._seen[session.id] = frozenset()  # a new chat's sandbox has made nothing yet
            elif session.id not in self._before:
                self._before[session.id] = self._spawn(self._list_before(session))
        elif isinstance(event, TurnCompleted):
            if sandbox_lists(session):
                self._turn_ended(session, session is not self._current())
            else:
                if (check := self._waiting.get(session.id)) is not None:
                    check.now.set()  # (overdue, it waited for this turn: its session ended meanwhile)
                self.checked.publish(session)

    def _turn_ended(self, session: SessionController, off_screen: bool) -> None:
        turn = len(session.transcript.turns)
        if (check := self._waiting.get(session.id)) is not None:
            check.turn, check.off_screen = turn, check.off_screen or off_screen
            if not off_screen or check.overdue:
                check.now.set()
            return
        check = _Check(turn, off_screen)
        self._waiting[session.id] = check
        wait = self._listed_at.get(session.id, -self._interval) + self._interval - self._clock()
        if not off_screen or wait <= 0:
            check.now.set()
        previous = self._after.get(session.id)  # (a list still on its way: the next one goes after it)
        self._after[session.id] = self._spawn(self._list_after(session, check, wait, previous))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _listing(self, session: SessionController) -> Listing | None:
        assert session.remote is not None
        try:
            return listing_of(await session.backend.list_files(session.remote.id))
        except BackendError as error:
            log.info("the files of %s could not be listed: %s", session.id, error)
            return None

    async def _list_before(self, session: SessionController) -> None:
        listing = await self._listing(session)
        if listing is not None:
            self._seen.setdefault(session.id, listing)

    async def _list_after(
        self, session: SessionController, check: _Check, wait: float, previous: asyncio.Task[None] | None
    ) -> None:
        if not check.now.is_set():
            timer = asyncio.get_running_loop().call_later(wait, check.now.set)
            try:
                await check.now.wait()
            finally:
                timer.cancel()
            if not check.asked and _turn_runs(session):
                # A service's agent writes files as it works: listed now, what the running turn
                # made so far would be noted as the last turn's, and found not new at its end.
                check.overdue = True
                check.now.clear()
                await check.now.wait()
        # From here a turn that ends waits for the next list: this one may not show its files.
        if self._waiting.get(session.id) is check:
            del self._waiting[session.id]
        if check.off_screen:
            self._listed_at[session.id] = self._clock()
        else:  # (on screen, each turn is listed: the next one off screen is listed at once too)
            self._listed_at.pop(session.id, None)
        for task in (previous, self._before.pop(session.id, None)):
            if task is not None and not task.done():
                await asyncio.wait({task})
        # (A session may have ended while its list waited: its sandbox is then gone, or going.)
        if sandbox_lists(session) and (listing := await self._listing(session)) is not None:
            before = self._seen.get(session.id)
            self._seen[session.id] = listing
            if before is not None and (made := listing - before):
                session.note_file_turns(check.turn, [path for path, _ in made])
                if check.off_screen:
                    session.mark_new_files(True)
                    self._redraw(session)
        if self._after.get(session.id) is asyncio.current_task():
            del self._after[session.id]
        self.checked.publish(session)

    def _redraw(self, session: SessionController) -> None:
        # Through the workspace's own channel, so the sidebar redraws the row as for any change.
        self._changes.publish(SessionChange(session, None, self._unread(session)))
