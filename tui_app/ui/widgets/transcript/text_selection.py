"""Mouse selection in a widget that draws its own lines (`render_line`), as Textual's `Log` does.

Textual selects text across widgets by itself: on a mouse down it reads the `offset` kept in the
style of the line under the pointer (`Strip.apply_offsets`), and asks each selected widget for
its text (`get_selection`) and redraws it (`selection_updated`). A widget of cached lines must do
those three things itself; this mixin does them from the lines the widget already draws, so a
selection copies the *visible* text (a list's bullets, a code block's padding, a line cut with
"…" as shown), the same text the screen shows, line for line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.selection import Selection
from textual.strip import Strip

from textual.widget import Widget

from tui_app.ui.widgets.transcript.selection_colours import selected

if TYPE_CHECKING:
    _Base = Widget
else:
    _Base = object

SELECTION_STYLE = "screen--selection"
"""The screen's component class for selected text: the theme's selection colours."""


def highlighted(strip: Strip, span: tuple[int, int], style: Style) -> Strip:
    """`strip` with the characters in `span` (character offsets; -1: to the end) in `style`."""
    text = strip.text
    start, end = span
    end = len(text.rstrip()) if end == -1 else min(end, len(text))  # to the line's end: its text, not its padding
    start = min(start, end)
    if start == end:
        return strip
    left, right = cell_len(text[:start]), cell_len(text[:end])
    before, middle, after = strip.divide([left, right, strip.cell_length])
    marked = Strip(list(selected(middle, style)), middle.cell_length)
    return Strip.join([before, marked, after])


def selection_style(widget: Widget) -> Style:
    """The selection's colours as a style laid over a line's own: its background, and its
    foreground where one is set (app.tcss sets `auto`: black or white, whichever reads on that
    background; a stylesheet without it leaves the text's own colour, "transparent"), taken by
    the pieces whose own colour does not read on it (`selection_colours.selected`)."""
    full = widget.screen.get_component_rich_style(SELECTION_STYLE)
    foreground = widget.screen.get_component_styles(SELECTION_STYLE).color
    return Style(bgcolor=full.bgcolor, color=full.color if foreground.a > 0 else None)


class SelectableLines(_Base):
    """Mixed in before a widget whose `render_line(y)` draws line `y` of its content (no scroll
    of its own): its lines take part in the screen's selection."""

    ALLOW_SELECT: ClassVar[bool] = True

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        selection = self.text_selection
        span = selection.get_span(y) if selection is not None else None
        if span is not None:
            strip = highlighted(strip, span, selection_style(self))
        # Offsets last: a segment split by the highlight would keep its first character's offset.
        return strip.apply_offsets(0, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        height = self.content_size.height
        first = 0 if selection.start is None else min(selection.start.y, height)
        last = height if selection.end is None else min(selection.end.y + 1, height)
        # Lines above the selection are left empty: only the selected lines are rendered.
        drawn = super().render_line  # bound here: a comprehension has no zero-argument super()
        lines = [""] * first + [drawn(y).text.rstrip() for y in range(first, last)]
        return selection.extract("\n".join(lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()
