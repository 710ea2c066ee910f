"""The colours of selected text: each piece keeps its own colour (a keyword's, a link's) where it
reads on the selection's background, by WCAG 2's measure for body text (4.5:1), and takes the
selection's own text colour (black or white, whichever contrasts: `color: auto` in app.tcss)
where it would not. Drawing every selected character black or white lost a code block's syntax
colours; keeping them all made a header in the theme's primary vanish on a primary selection."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

READABLE = 4.5
"""WCAG 2's contrast ratio for body text (AA)."""


def luminance(color: Color) -> float:
    """WCAG 2's relative luminance (an ANSI colour as Rich's standard palette draws it)."""

    def channel(value: int) -> float:
        share = value / 255
        return share / 12.92 if share <= 0.03928 else ((share + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


@lru_cache(maxsize=256)
def contrast(one: Color, other: Color) -> float:
    """WCAG 2's contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def reads_on(color: Color | None, background: Color) -> bool:
    """Whether text in `color` can be read on `background` (a terminal's default colour cannot
    be measured: it does not count as read)."""
    return color is not None and not color.is_default and contrast(color, background) >= READABLE


def selected(segments: Iterable[Segment], selection: Style) -> Iterator[Segment]:
    """`segments` as selected: on the selection's background, each in its own colour where that
    reads there, else in the selection's text colour (if it sets one)."""
    background = selection.bgcolor
    if background is None or selection.color is None:
        yield from Segment.apply_style(segments, post_style=selection)
        return
    behind = Style(bgcolor=background)
    for text, style, control in segments:
        own = style.color if style is not None else None
        over = behind if reads_on(own, background) else selection
        yield Segment(text, over if style is None else style + over, control)
