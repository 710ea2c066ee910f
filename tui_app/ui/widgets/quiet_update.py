"""Updating a `Static` that is redrawn per token without asking for a layout each time.

`Static.update` asks for a layout of the whole screen by default, and a layout repaints every
widget on it: the usage panel and the queue preview, redrawn on every streamed token, made most
of the layouts of a streaming frame (issue 16). Unchanged content is not redrawn at all, and
content whose lines keep their lengths (a cost or a token count whose digits moved) cannot
change the widget's size, so it is redrawn without a layout.
"""

from __future__ import annotations

import weakref

from rich.text import Text
from textual.widgets import Static

_SHOWN: weakref.WeakKeyDictionary[Static, str | Text] = weakref.WeakKeyDictionary()


def _shape(content: str | Text) -> list[int]:
    return [len(line) for line in str(content).split("\n")]


def update_quietly(widget: Static, content: str | Text) -> None:
    """`widget.update(content)`, skipped when nothing changed, without a layout when the lines
    kept their lengths."""
    before = _SHOWN.get(widget)
    if before is not None and type(before) is type(content) and before == content:
        return
    _SHOWN[widget] = content
    widget.update(content, layout=before is None or _shape(before) != _shape(content))
