"""The list of sessions, with each one's state and cost so far."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content, Span
from textual.message import Message
from textual.widgets import Label, ListItem, ListView, Static

from tui_app.ui.widgets.session_row import CURRENT_MARK, INDENT, NEW_FILES, STATE_MARKS, row_content, row_marks, row_tooltip
from tui_app.workspace.restore import Listed
from tui_app.workspace.session_controller import SessionController

__all__ = ["CURRENT_MARK", "STATE_MARKS", "SessionItem", "SessionSidebar"]

FALLBACK_WIDTH = 27
"""Characters a row has before it is laid out (the side column's usual width)."""


def drawn_as(content: Content) -> tuple[str, tuple[Span, ...]]:
    """What a row's lines look like: their text and styles (`Content`'s `==` compares the text only)."""
    return content.plain, tuple(content.spans)


class RowText(Static):
    """A row's two lines, drawn for the width the row has when it is painted; repainted only
    when they would look different (a streamed token moves a session, rarely its row)."""

    def __init__(self) -> None:
        super().__init__(markup=False)
        self.row: tuple[SessionController, bool, bool] | None = None
        self._drawn: tuple[str, tuple[Span, ...]] | None = None
        self._shown: tuple[int, Content] | None = None
        """The lines `show` worked out, and for which width: the repaint it asks for draws them."""
        self.repaints = 0
        """Repaints asked for because the row's lines changed (for tests)."""

    def show(self, session: SessionController, current: bool, unread: bool) -> None:
        self.row = (session, current, unread)
        width = self._width()
        content = self._content(width)
        drawn = drawn_as(content)
        if drawn != self._drawn:
            self._drawn = drawn  # (what the repaint will draw, unless the width changes first)
            self._shown = (width, content)
            self.repaints += 1
            self.refresh()

    def _width(self) -> int:
        return self.size.width or FALLBACK_WIDTH

    def _content(self, width: int) -> Content:
        if self.row is None:
            return Content("")
        session, current, unread = self.row
        return row_content(session, current, unread, width)

    def render(self) -> Content:
        width, shown, self._shown = self._width(), self._shown, None
        content = shown[1] if shown is not None and shown[0] == width else self._content(width)
        self._drawn = drawn_as(content)
        return content


class SessionItem(ListItem):
    def __init__(self, session: SessionController) -> None:
        super().__init__(id=f"session-{session.id}")
        self.session_id = session.id
        self.current = False
        self._label = RowText()
        self._unread = False
        self._tooltip_text: str | None = None
        self.marks: Hashable = None
        """What the row showed, besides figures, when last drawn (`session_row.row_marks`)."""
        self.refresh_from(session)

    def compose(self) -> ComposeResult:
        yield self._label

    def set_current(self, current: bool) -> None:
        if current != self.current:
            self.current = current
            self.refresh_from(self._session, self._unread)

    def refresh_from(self, session: SessionController, unread: bool = False) -> None:
        self._session, self._unread = session, unread
        self.marks = row_marks(session, unread)
        self.set_class(self.current, "-current")
        self.set_class(session.state in ("sending", "streaming", "resuming", "queued", "asking"), "-streaming")
        self.set_class(session.state in ("failed", "expired"), "-failed")
        self._label.show(session, self.current, unread)
        tooltip = row_tooltip(session, unread)
        if tooltip.plain != self._tooltip_text:  # (setting it looks for a tooltip on screen)
            self._tooltip_text = tooltip.plain
            self.tooltip = tooltip


class ListedItem(ListItem):
    """A stored session's row from its record, until the session is restored (the app lists
    them from its first frame, and reads the transcripts after it is painted)."""

    DEFAULT_CSS = """
    ListedItem Static { height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    """Two lines, as the restored row will have: a third would move every row below it then."""

    def __init__(self, listed: Listed) -> None:
        super().__init__(id=f"listed-{listed.id}", classes="-listed")
        self.session_id = listed.id
        marks = f" {STATE_MARKS.get(listed.state, '?')} "
        title = Content.assemble((marks, "bold"), Content(listed.title).stylize("bold"))  # (their text: no markup)
        # The marks the record keeps, where the restored row has them.
        words = [Content.styled("restoring", "dim"), *([NEW_FILES] if listed.new_files else []), Content.styled(listed.backend, "dim")]
        second = Content.assemble(INDENT, Content.styled(" · ", "dim").join(words))
        self._text = Content("\n").join([title, second])

    def compose(self) -> ComposeResult:
        yield Static(self._text, markup=False)


class SessionSidebar(Vertical):
    """Every open session. Updated by the app when a session announces a change."""

    @dataclass
    class Chosen(Message):
        """The user picked a session (keys or mouse)."""

        session_id: str

    def __init__(self, listed: Sequence[Listed] = ()) -> None:
        """`listed`: stored sessions to list from their records until they are restored."""
        super().__init__()
        self._listed = listed
        # Each session's row by id: a streamed token redraws one row, and a DOM query per
        # token matched every row against a selector (a fifth of the CPU of ten streams).
        self._items: dict[str, SessionItem] = {}

    def compose(self) -> ComposeResult:
        yield Label("Sessions", classes="panel-title", id="sessions-title")
        yield ListView(*map(ListedItem, self._listed), id="session-list")  # in the first frame

    def show_waiting(self, count: int) -> None:
        """The questions waiting in every session (F6 lists them), in the title."""
        title = self.query_one("#sessions-title", Label)
        title.update(f"Sessions · ? {count} waiting" if count else "Sessions")

    def drop_listed(self) -> None:
        """The rows of stored sessions that were not restored go."""
        self.query(ListedItem).remove()

    def add_session(self, session: SessionController) -> None:
        rows = self.query_one(ListView)
        item = self._items[session.id] = SessionItem(session)
        stand_in = next((listed for listed in self.query(ListedItem) if listed.session_id == session.id), None)
        if stand_in is None:
            rows.append(item)
            return
        rows.mount(item, before=stand_in)
        stand_in.remove()

    def remove_session(self, session_id: str) -> None:
        self._items.pop(session_id, None)
        for item in self.query(SessionItem):
            if item.session_id == session_id:
                item.remove()

    def select(self, session_id: str) -> None:
        """Mark `session_id` as the one on screen, and highlight it without announcing it (the
        app already switched)."""
        for item in self.query(SessionItem):
            item.set_current(item.session_id == session_id)
            if item.session_id == session_id:
                rows = self.query_one(ListView)
                with self.prevent(ListView.Highlighted):
                    rows.index = rows.children.index(item)  # (rows still listed from records count too)

    @on(ListView.Selected)
    def _chosen(self, event: ListView.Selected) -> None:
        if isinstance(event.item, SessionItem):
            self.post_message(self.Chosen(event.item.session_id))

    def refresh_session(self, session: SessionController, unread: bool = False) -> None:
        item = self._item(session.id)
        if item is not None:
            item.refresh_from(session, unread)

    def refresh_marks(self, session: SessionController, unread: bool = False) -> None:
        """`refresh_session` if the row's marks moved (a new-files mark, a state a person acts
        on); its figures alone wait for the row's next redraw (an off-screen row is redrawn once
        a second: a redraw costs a screen update)."""
        item = self._item(session.id)
        if item is not None and item.marks != row_marks(session, unread):
            item.refresh_from(session, unread)

    def _item(self, session_id: str) -> SessionItem | None:
        item = self._items.get(session_id)
        if item is not None and item.parent is not None:
            return item
        # A row added some other way.
        return next((item for item in self.query(SessionItem) if item.session_id == session_id), None)
