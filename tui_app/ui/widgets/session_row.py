"""What one row of the session list says, fitted to the width it has: two lines, never wrapped.

The first line is the marks, the title and the cost; the second the state, short, with the
marks a person acts on (new output, a reconnect, a history nearly full). What does not fit is
cut with an ellipsis; the full words are the row's tooltip.
"""

from __future__ import annotations

import time
from collections.abc import Hashable

from textual.content import Content

from tui_app.core.cost import format_cost, summarize
from tui_app.workspace.new_files import has_new_files
from tui_app.workspace.session_controller import SessionController

# Not ▶ (U+25B6): its East Asian width is ambiguous, so a terminal that draws it wide (CJK
# locales) would shift the row by a column; ▸ is narrow everywhere.
CURRENT_MARK = "▸"
"""Before the session on screen (with a bold, reversed row: not by colour alone)."""
STATE_MARKS = {
    "creating": "…", "ready": "○", "idle": "◌", "sending": "●", "streaming": "●", "asking": "?",
    "resuming": "↻", "queued": "⧗", "cancelling": "●", "expired": "✕", "ended": "■", "failed": "✕",
}  # fmt: skip
INDENT = "   "
"""The second line starts under the title."""
UNREAD = Content.from_markup("[b $accent]● new[/]")
RECONNECTING = Content.from_markup("[b $warning]reconnecting…[/]")
NEW_FILES = Content.from_markup("[b $accent]+files[/]")
"""A turn made files not looked at yet (F12 shows them, and clears it)."""


def state_text(session: SessionController, now: float | None = None) -> str:
    """The state in words, with the clock a person waits on: a resume's elapsed time, a queued
    message's countdown, an ended session's runtime."""
    status = session.status
    now = time.monotonic() if now is None else now
    if status.kind == "resuming":
        return f"resuming {now - status.since:.0f}s"
    if status.kind == "queued" and status.retry_at is not None:
        return f"queued, retry in {max(status.retry_at - now, 0):.0f}s"
    if status.kind == "ended" and status.runtime_ms is not None:
        return f"ended after {status.runtime_ms / 1000:.0f}s"
    return status.kind


def short_state_text(session: SessionController, now: float | None = None) -> str:
    """`state_text` in the fewest words that keep its clock (the row's mark says the rest)."""
    status = session.status
    now = time.monotonic() if now is None else now
    if status.kind == "queued" and status.retry_at is not None:
        return f"retry {max(status.retry_at - now, 0):.0f}s"  # ⧗ before the title says queued
    if status.kind == "ended":
        return "ended"
    return state_text(session, now)


def history_used(session: SessionController) -> tuple[int, int] | None:
    """For services that keep a bounded history: messages kept so far, and the cap."""
    cap = session.backend.capabilities.history_cap
    if cap is None:
        return None
    return min(len(session.transcript.messages), cap), cap


def _history_style(used: int, cap: int) -> str:
    return "$error" if used >= cap else "$warning" if used >= cap * 0.8 else "dim"


def title_line(session: SessionController, current: bool, width: int) -> Content:
    marks = f"{CURRENT_MARK if current else ' '}{STATE_MARKS.get(session.state, '?')} "
    unit = session.backend.capabilities.money
    cost = format_cost(summarize(session.book.ledger).session(session.id, unit).cost)
    room = width - len(marks) - len(cost) - 1
    if room < 4:  # too narrow for both: the title matters more than the figure
        cost, room = "", width - len(marks)
    title = Content(session.title).truncate(max(room, 1), ellipsis=True)
    gap = max(width - len(marks) - title.cell_length - len(cost), 1 if cost else 0)
    return Content.assemble((marks, "bold"), title.stylize("bold"), " " * gap, cost)


def status_line(session: SessionController, unread: bool, width: int) -> Content:
    parts: list[Content] = [Content.styled(short_state_text(session), "dim")]
    if unread:
        parts.append(UNREAD)
    if has_new_files(session):
        parts.append(NEW_FILES)
    if session.status.reconnecting:
        parts.append(RECONNECTING)
    if (history := history_used(session)) is not None:
        used, cap = history
        parts.append(Content.from_markup(f"[{_history_style(used, cap)}]{used}/{cap} msgs[/]"))
    parts.append(Content.styled(session.backend.name, "dim"))
    return Content.assemble(INDENT, Content.styled(" · ", "dim").join(parts)).truncate(max(width, 1), ellipsis=True)


ROUTINE = frozenset({"ready", "sending", "streaming"})
"""States a session goes through turn after turn: a move among them is drawn with the figures."""


def row_marks(session: SessionController, unread: bool) -> Hashable:
    """What a row shows besides its figures and routine states: what a person acts on (a
    question, a failure, an end, the new-output and new-files marks, a reconnect, a nearly full
    history). A row whose marks move is redrawn at once; one whose figures move, when it is its turn."""
    state = "routine" if session.state in ROUTINE else session.state
    return state, session.title, unread, has_new_files(session), session.status.reconnecting, history_used(session)


def row_content(session: SessionController, current: bool, unread: bool, width: int) -> Content:
    return Content("\n").join([title_line(session, current, width), status_line(session, unread, width)])


def row_tooltip(session: SessionController, unread: bool) -> Content:
    """Everything the row says, in full words (plain text: the title is the user's or service's)."""
    lines = [session.title, f"{session.backend.name} · {state_text(session)}"]
    if unread:
        lines.append("new output since you last looked")
    if has_new_files(session):
        lines.append("new files from a turn (F12 shows them)")
    if session.status.reconnecting:
        lines.append("the stream dropped: reconnecting")
    if (history := history_used(session)) is not None:
        lines.append(f"{history[0]}/{history[1]} messages of history")
    return Content("\n".join(lines))
