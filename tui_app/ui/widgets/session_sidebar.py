"""The list of sessions, with each one's state and cost so far."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import Label, ListItem, ListView, Static

from tui_app.core.cost import format_cost, summarize
from tui_app.workspace.session_controller import SessionController

# Characters a row has for the title and the cost: the sidebar's width less marks, padding and
# the scrollbar it grows once the sessions overflow (a row that wraps would read as two).
TITLE_WIDTH = 22
# Not ▶ (U+25B6): its East Asian width is ambiguous, so a terminal that draws it wide (CJK
# locales) would shift the row by a column; ▸ is narrow everywhere.
CURRENT_MARK = "▸"
"""Before the session on screen (with a bold, reversed row: not by colour alone)."""
STATE_MARKS = {
    "creating": "…", "ready": "○", "idle": "◌", "sending": "●", "streaming": "●", "asking": "?",
    "resuming": "↻", "queued": "⧗", "cancelling": "●", "expired": "✕", "ended": "■", "failed": "✕",
}  # fmt: skip


def _state_text(session: SessionController) -> str:
    """The state in words, with the clock a person waits on: a resume's elapsed time, a queued
    message's countdown."""
    status = session.status
    now = time.monotonic()
    if status.kind == "resuming":
        return f"resuming {now - status.since:.0f}s"
    if status.kind == "queued" and status.retry_at is not None:
        return f"queued, retry in {max(status.retry_at - now, 0):.0f}s"
    if status.kind == "ended" and status.runtime_ms is not None:
        return f"ended after {status.runtime_ms / 1000:.0f}s"
    return status.kind


def _history_note(session: SessionController) -> str:
    """For services that keep a bounded history, how full it is (warning once it is near)."""
    cap = session.backend.capabilities.history_cap
    if cap is None:
        return ""
    used = len(session.transcript.messages)
    style = "$error" if used >= cap else "$warning" if used >= cap * 0.8 else "dim"
    return f"\n   [{style}]{min(used, cap)}/{cap} messages of history[/]"


class SessionItem(ListItem):
    def __init__(self, session: SessionController) -> None:
        super().__init__(id=f"session-{session.id}")
        self.session_id = session.id
        self.current = False
        self._label = Static()
        self._unread = False
        self.refresh_from(session)

    def compose(self) -> ComposeResult:
        yield self._label

    def set_current(self, current: bool) -> None:
        if current != self.current:
            self.current = current
            self.refresh_from(self._session, self._unread)

    def refresh_from(self, session: SessionController, unread: bool = False) -> None:
        self._session, self._unread = session, unread
        self.set_class(self.current, "-current")
        where = CURRENT_MARK if self.current else " "
        mark = STATE_MARKS.get(session.state, "?")
        unit = session.backend.capabilities.money
        cost = format_cost(summarize(session.book.ledger).session(session.id, unit).cost)
        self.set_class(session.state in ("sending", "streaming", "resuming", "queued", "asking"), "-streaming")
        self.set_class(session.state in ("failed", "expired"), "-failed")
        room = max(TITLE_WIDTH - len(cost), 4)
        title = session.title if len(session.title) <= room else session.title[: room - 1] + "…"
        self._label.update(
            f"[b]{where}{mark} {escape(title)}[/b]{' ' * (room - len(title))} {cost}\n"
            f"   [dim]{escape(session.backend.name)} · {_state_text(session)}[/dim]"
            + (" [b $accent]● new[/]" if unread else "")
            + (" [b $warning]reconnecting…[/]" if session.status.reconnecting else "")
            + _history_note(session)
        )


class SessionSidebar(Vertical):
    """Every open session. Updated by the app when a session announces a change."""

    @dataclass
    class Chosen(Message):
        """The user picked a session (keys or mouse)."""

        session_id: str

    def compose(self) -> ComposeResult:
        yield Label("Sessions", classes="panel-title")
        yield ListView(id="session-list")

    def add_session(self, session: SessionController) -> None:
        self.query_one(ListView).append(SessionItem(session))

    def remove_session(self, session_id: str) -> None:
        for item in self.query(SessionItem):
            if item.session_id == session_id:
                item.remove()

    def select(self, session_id: str) -> None:
        """Mark `session_id` as the one on screen, and highlight it without announcing it (the
        app already switched)."""
        items = list(self.query(SessionItem))
        for index, item in enumerate(items):
            item.set_current(item.session_id == session_id)
            if item.session_id == session_id:
                with self.prevent(ListView.Highlighted):
                    self.query_one(ListView).index = index

    @on(ListView.Selected)
    def _chosen(self, event: ListView.Selected) -> None:
        if isinstance(event.item, SessionItem):
            self.post_message(self.Chosen(event.item.session_id))

    def refresh_session(self, session: SessionController, unread: bool = False) -> None:
        for item in self.query(SessionItem):
            if item.session_id == session.id:
                item.refresh_from(session, unread)
