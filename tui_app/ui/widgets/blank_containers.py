"""Containers that draw nothing but their background, said so to Textual (`Widget.BLANK`).

Textual draws every widget on screen line by line, containers too, though their children cover
them: each line a `Strip` kept in the widget's styles cache, with seven caches of its own, and
cut at every widget edge on that line whenever the layout moves (up to four cuts kept a line,
each piece a `Strip` again). Behind the transcript that was the main screen, the main row, the
chat column and the transcript's scrolling container: about 2,000 strips after one reply (2.3
MB of the peak RSS, issue 16). A BLANK widget is drawn as one blank line of its background for
all its lines, which Textual keeps once per width and style.

Only for containers with no border, title, scrollbar corner or content of their own: BLANK
draws none of them (padding is background, and stays as it was).
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.screen import Screen


class BlankScreen(Screen[None]):
    """The app's main screen: its children cover it."""

    BLANK = True


class BlankVertical(Vertical):
    """A column whose children cover it (the chat: title, transcript, composer)."""

    BLANK = True
