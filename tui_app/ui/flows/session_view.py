"""The main screen follows the workspace: the sidebar shows every session, the usage panel,
transcript and composer title the one on screen. Subscribed once; the App only forwards keys.

A switch paints once: the old session stays on screen until the new one's transcript, usage,
title and sidebar mark are all in place (issue 15: no blank frame, no stale usage panel). Where
the user is (the session on screen, the unread marks) is remembered for the next run.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.markup import escape
from textual.widgets import Static

from tui_app.core.cost import Cost, summarize
from tui_app.core.events import PartUpdated, UsageReported
from tui_app.ui.flows.row_pacing import RowPacing
from tui_app.ui.flows.long_lived import settle_restored
from tui_app.ui.flows.on_app import on_pump
from tui_app.ui.remembered import Remembered
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.ui.widgets.side_column import SideColumn
from tui_app.ui.widgets.transcript.frame_pacer import turn_over
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tui_app.ui.widgets.usage_panel import UsagePanel
from tui_app.workspace.changes import RosterChange, SessionChange
from tui_app.workspace.reopen import place_of, reopen
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

COMPOSER_TITLES = {
    "creating": "Connecting… (you can type already)",
    "ready": "Message",
    "idle": "Message (the session is snapshotted: it resumes on send)",
    "sending": "Sending…",
    "streaming": "The agent is replying… (Enter queues your message)",
    "asking": "The agent asks a question… (your draft is kept)",
    "resuming": "Restoring the session… (your draft is kept)",
    "queued": "Queued: another turn is running (your draft is kept)",
    "cancelling": "Cancelling…",
    "expired": "This session has expired: start a new one",
    "ended": "This session has ended",
    "failed": "The session could not start: F5 tries again",
}


def composer_title(session: SessionController) -> str:
    """What the composer's border says of the session; a failure says why there, since the
    notification that said so is gone in seconds. (Markup: the service's words are escaped.)"""
    if session.state == "failed" and session.error:
        return f"Session failed: {escape(session.error)} (F5 tries again; F3: notifications)"
    return COMPOSER_TITLES[session.state]


PER_TOKEN = (PartUpdated, UsageReported)
"""Events that come with every token: what they move is shown once per frame."""

SIDE_INTERVAL = 0.5
"""Seconds between two redraws of what a stream moves in the side column for the session on
screen (its row's figures, the usage panel's counts). A frame that changes the side column and
the transcript together makes Textual draw every widget of the screen (the region it updates
spans both), where one that changes the transcript alone draws only the transcript's: usage
reports come several times a second (issue 16). A turn's start and end, a question, a failure
show at once."""


class SessionView:
    def __init__(
        self,
        app: App[None],
        workspace: Workspace,
        sidebar: SessionSidebar,
        usage: UsagePanel,
        transcript: TranscriptView,
        composer: Composer,
        remembered: Remembered,
        on_switched: Callable[[SessionController], None],
    ) -> None:
        self.app = app
        self.workspace = workspace
        self.sidebar = sidebar
        self.usage = usage
        self.transcript = transcript
        self.composer = composer
        transcript.typed = lambda text: composer.focus().insert(text, maintain_selection_offset=False)  # typed in the transcript: not lost
        self.title = app.query_one("#session-title", Static)
        self.side = app.query_one(SideColumn)
        self.side.on_shown = self._side_shown
        self._side_hidden = False
        self.remembered = remembered
        self._title_text = ""
        self._composer_title: str | None = None
        self._pending_changes: dict[str, SessionChange] = {}
        """The latest change of each session not shown yet (shown once per frame)."""
        self._usage_moved = False
        self._turn_ran = False
        self._turn_ended = False
        """The turn on screen ended since the changes were last drawn."""
        self._waiting_frame = False
        """A turn's end waits for the reply's last frame: every change waits with it."""
        self._side_due = False
        """The session on screen's row and usage panel wait for the side column's next redraw."""
        self._side_armed = False
        self._on_switched = on_switched
        self._shown_once = False
        self._shown_state: tuple[str, str] | None = None
        # Off screen, a session is data: its row is redrawn at most a few times a second
        # (row_pacing.py), while a change a person acts on (its state, a new-output mark) shows at once.
        self._pacing = RowPacing(app, workspace, on_pump(app, self._changed), self._redraw_rows)
        self._unsubscribe = [
            workspace.changes.subscribe(self._pacing.heard),
            workspace.roster.subscribe(self._roster),  # published from the App's own calls
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    async def first_session(self, new_session: Callable[[], object]) -> None:
        """At start: the latest stored session as soon as the stored ones are read (off the
        loop), or a new one when there are none."""
        workspace = self.workspace
        restored = await workspace.restore()
        settle_restored()
        if restored and (session := reopen(workspace, self.remembered.place)) is not None:
            for other in workspace.order:
                self.sidebar.refresh_session(other, other.id in workspace.unread)
            await self.switch(session)
        else:
            new_session()

    async def show_other(self, session: SessionController | None) -> None:
        """Switch to `session` if there is one and it is not on screen already."""
        if session is not None and session is not self.workspace.current:
            await self.switch(session)

    async def switch(self, session: SessionController) -> None:
        # A session off screen is data, not widgets: the view is rebuilt from its transcript,
        # with the screen's updates held until it is, so no frame shows half a switch.
        # Typed before any session was on screen (a quick typist at launch): it belongs to the
        # first session shown, after that session's own draft, never replaced by it.
        typed, self._shown_once = ("" if self._shown_once else self.composer.full_text), True
        draft = self.workspace.show(session)
        if typed:
            draft = f"{draft}{typed}"
            self.workspace.draft_changed(draft)
        with self.app.batch_update():
            composer = self.composer
            composer.set_history([m.text for m in session.transcript.messages if m.role == "user"])
            composer.show_draft(draft)
            self.transcript.headers.times = session.message_times
            self.transcript.headers.turn_cost = lambda turn_id: self._turn_cost_shown(session, turn_id)
            await self.transcript.switch_to(session.transcript, session.backend.capabilities.money)
            if session is not self.workspace.current:
                return  # switched again meanwhile: that switch paints
            self.sidebar.select(session.id)
            self.show_current()
        self._on_switched(session)
        self._remember_place()

    def toggle_side(self) -> None:
        self.side.toggle()

    def _side_shown(self, shown: bool) -> None:
        if self._side_hidden == shown:
            self._side_hidden = not shown
            self.show_current()

    def _remember_place(self) -> None:
        place = place_of(self.workspace)
        if place == self.remembered.place:
            return
        self.remembered.place = place
        try:
            self.remembered.save()
        except OSError:
            pass  # where the user was is a convenience: the next change tries again

    def show_current(self, usage: bool = True) -> None:
        """Bring every part of the screen up to the session on screen; `usage=False` when only its
        transcript can have changed (a streamed token: the usage panel shows turns and the ledger)."""
        session = self.workspace.current
        if session is None:
            return
        title = f"{session.title} · {session.backend.name}"
        if self._side_hidden:  # the only sign left of the other sessions, and of the way back
            key = self.workspace.settings.keys.get("toggle-side", "ctrl+b")
            count = len(self.workspace.sessions)
            title += f"  ({count} session{'' if count == 1 else 's'}: {key})"
        if title != self._title_text:
            self._title_text = title
            self.title.update(title)
        if usage:
            self._show_usage(session)
        self.transcript.show(session.transcript, session.backend.capabilities.money)
        composer_text = composer_title(session)
        if composer_text != self._composer_title:  # (setting it repaints the whole composer: per token)
            self._composer_title = composer_text
            self.composer.border_title = composer_text
        if (session.id, session.state) != self._shown_state:
            self._shown_state = (session.id, session.state)
            self.app.refresh_bindings()  # "Cancel turn" shows only while a turn runs

    def tick(self) -> None:
        """Once a second: the clocks of resuming and queued sessions move on."""
        for session in self.workspace.order:
            if session.state in ("resuming", "queued"):
                self.sidebar.refresh_session(session, session.id in self.workspace.unread)

    def _redraw_rows(self, changes: list[SessionChange]) -> None:
        """The rows of off-screen sessions that changed only in their figures, together."""
        if not self.app.screen_stack:
            return
        for change in changes:
            unread = change.session.id in self.workspace.unread  # as it is now, not as it was
            self.sidebar.refresh_session(change.session, unread)
            self._pacing.drawn(change.session, unread)
        current = self.workspace.current
        if current is not None and any(isinstance(change.event, UsageReported) for change in changes):
            self.usage.show_all_sessions(current)  # the total across sessions moved

    def _changed(self, change: SessionChange) -> None:
        # Every token is a change. The transcript paces its own frames; the sidebar row, usage
        # panel and titles a token moves are redrawn once per frame too, not once per token.
        session = change.session
        if session is self.workspace.current and self.app.screen_stack:
            self.transcript.show(session.transcript, session.backend.capabilities.money)
        first = not self._pending_changes
        self._pending_changes[session.id] = change
        if session is self.workspace.current:
            running = not turn_over(session.transcript)
            self._turn_ended = self._turn_ended or (self._turn_ran and not running)
            self._turn_ran = running
        # Only a token (PartUpdated) leaves the usage panel as it was: it shows turns and the ledger.
        self._usage_moved = self._usage_moved or not isinstance(change.event, PartUpdated)
        if not isinstance(change.event, PER_TOKEN):
            self._show_changes()  # a turn that starts or ends, a question: shown at once
        elif first:
            self.app.set_timer(self.transcript.pacer.interval, lambda: self._show_changes(streamed=True))

    def _show_changes(self, streamed: bool = False) -> None:
        """The changes waiting, drawn; `streamed`: only tokens and usage reports, whose figures
        in the side column wait for its next redraw (`SIDE_INTERVAL`)."""
        if self._waiting_frame:
            return  # (shown, as a turn's end, once the reply's last frame is on screen)
        if self._turn_ended and self.transcript.rendering:
            # The reply's last frame is being made: what else the turn's end changes (the footer's
            # keys, the usage panel, the row: a layout each) waits until it is on screen.
            self._waiting_frame = True
            self.transcript.pacer.after_frame(self._after_last_frame)
            return
        self._turn_ended = False
        current = self.workspace.current
        changes, self._pending_changes = self._pending_changes, {}
        usage_moved, self._usage_moved = self._usage_moved, False
        if not self.app.screen_stack:
            return  # (no screens: the app is shutting down, and a session still reported)
        for change in changes.values():
            session = change.session
            if session is current and streamed:
                self.sidebar.refresh_marks(session, change.unread)
                if usage_moved:  # (a token alone moves nothing there)
                    self._side_later()
            else:
                self.sidebar.refresh_session(session, change.unread)
                self._pacing.drawn(session, change.unread)
            if change.unread and session.id not in self.remembered.place.unread:
                self._remember_place()
            if session is current:
                self.show_current(usage=usage_moved and not streamed)
            elif usage_moved and current is not None:
                self.usage.show_all_sessions(current)  # the total across sessions moved

    def _after_last_frame(self) -> None:
        self._waiting_frame = False
        # The reply's last frame is on screen: a frame being made now is the next turn's, and
        # waiting for it too starved the turn's end for as long as frames kept coming.
        self._turn_ended = False
        self._show_changes()

    def _side_later(self) -> None:
        self._side_due = True
        if not self._side_armed:
            self._side_armed = True
            self.app.set_timer(SIDE_INTERVAL, self._side_redraw, name="side column")

    def _side_redraw(self) -> None:
        self._side_armed = False
        due, self._side_due = self._side_due, False
        current = self.workspace.current
        if not due or current is None or not self.app.screen_stack:
            return
        unread = current.id in self.workspace.unread
        self.sidebar.refresh_session(current, unread)
        self._pacing.drawn(current, unread)
        self._show_usage(current)

    def _show_usage(self, session: SessionController) -> None:
        """The usage panel, and in the same frame the message headers' costs, from one summary:
        a header following every usage report ran up to `SIDE_INTERVAL` ahead of the panel."""
        self.usage.show(session)
        self.transcript.redraw_headers()

    def _turn_cost_shown(self, session: SessionController, turn_id: str) -> Cost | None:
        """A turn's cost as the usage panel last drew it (the ledger's own before it drew any)."""
        found = (self.usage.costs_shown or summarize(session.book.ledger)).turn(session.id, turn_id)
        return None if found is None else found.cost

    def _roster(self, change: RosterChange) -> None:
        if not self.app.screen_stack:
            return
        if change.kind == "added":
            self.sidebar.add_session(change.session)
        elif change.kind == "removed":
            self.sidebar.remove_session(change.session.id)
        else:
            self.sidebar.refresh_session(change.session)
            if change.session is self.workspace.current:
                self.show_current()  # (a rename: the title above the transcript)
