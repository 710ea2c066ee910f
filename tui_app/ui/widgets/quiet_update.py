"""Updating a `Static` that is redrawn per token without asking for a layout each time.

`Static.update` asks for a layout of the whole screen by default, and a layout repaints every
widget on it: the usage panel and the queue preview, redrawn on every streamed token, made most
of the layouts of a streaming frame (issue 16). Unchanged content is not redrawn at all, and
content whose lines keep their lengths (a cost or a token count whose digits moved), or keep
their number and fit its width when that is not set by the content (a count that gained a digit,
"live" become "final"), cannot change the widget's size, so it is redrawn without a layout;
nor is a widget hidden by its own style.
"""

from __future__ import annotations

import weakref

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

_SHOWN: weakref.WeakKeyDictionary[Static, tuple[str | Text, list[int]]] = weakref.WeakKeyDictionary()
"""What each widget was last given, and the lengths of the lines it showed for it."""


def _shape(widget: Static, content: str | Text) -> list[int]:
    """The cell lengths of the lines `widget` shows for `content`, which it was just given: its
    markup read as the widget reads it (the markup of a figure's style is not room taken)."""
    plain = getattr(widget.visual, "plain", None)
    return [cell_len(line) for line in (plain if isinstance(plain, str) else str(content)).split("\n")]


def _same_size(widget: Static, before: list[int], after: list[int]) -> bool:
    """Whether content of line lengths `after` takes the room `before` did: the same lengths, or
    as many lines, each within a width the content does not set (no line wraps either way: a
    figure that gained a digit)."""
    if before == after:
        return True
    width = widget.content_size.width
    fixed = widget.styles.width is None or not widget.styles.width.is_auto
    return fixed and len(before) == len(after) and max(before + after) <= width


def update_quietly(widget: Static, content: str | Text) -> None:
    """`widget.update(content)`, skipped when nothing changed, without a layout when its size
    cannot have changed."""
    shown = _SHOWN.get(widget)
    if shown is not None and type(shown[0]) is type(content) and shown[0] == content:
        return
    widget.update(content, layout=False)
    shape = _shape(widget, content)
    _SHOWN[widget] = (content, shape)
    # A widget its own style hides takes no room: a layout is for when it shows (which lays it
    # out). The usage panel's compact form, hidden on a tall terminal, asked for half the
    # layouts of ten sessions streaming (issue 16).
    if widget.display and (shown is None or not _same_size(widget, shown[1], shape)):
        widget.refresh(layout=True)
