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

_SHOWN: weakref.WeakKeyDictionary[Static, str | Text] = weakref.WeakKeyDictionary()


def _shape(content: str | Text) -> list[int]:
    return [cell_len(line) for line in str(content).split("\n")]


def _same_size(widget: Static, before: list[int], after: list[int]) -> bool:
    """Whether content of line lengths `after` takes the room `before` did: the same lengths, or
    as many lines, each within a width the content does not set (no line wraps either way: a
    figure that gained a digit). A line's length counts its markup: never less than it shows."""
    if before == after:
        return True
    width = widget.content_size.width
    fixed = widget.styles.width is None or not widget.styles.width.is_auto
    return fixed and len(before) == len(after) and max(before + after) <= width


def update_quietly(widget: Static, content: str | Text) -> None:
    """`widget.update(content)`, skipped when nothing changed, without a layout when its size
    cannot have changed."""
    before = _SHOWN.get(widget)
    if before is not None and type(before) is type(content) and before == content:
        return
    _SHOWN[widget] = content
    # A widget its own style hides takes no room: a layout is for when it shows (which lays it
    # out). The usage panel's compact form, hidden on a tall terminal, asked for half the
    # layouts of ten sessions streaming (issue 16).
    layout = widget.display and (before is None or not _same_size(widget, _shape(before), _shape(content)))
    widget.update(content, layout=layout)
