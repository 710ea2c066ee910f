"""A modal screen whose result is given once.

`Screen.dismiss` pops whatever screen is on top: a dialog answered twice before it is gone (Enter
pressed twice quickly, or Enter and a button click in one frame) popped the screen under it too,
the app's own, and the app stopped with `ScreenStackError`. Every dialog of the app derives from
`Dialog`, so a second answer is dropped.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen

ResultT = TypeVar("ResultT")


class OnceDismissed:
    """Mixed into a screen: `dismiss` acts the first time only."""

    _dismissed = False

    def dismiss(self, result: object = None) -> AwaitComplete:
        if self._dismissed:
            return AwaitComplete()
        self._dismissed = True
        return super().dismiss(result)  # type: ignore[misc]


class Dialog(OnceDismissed, ModalScreen[ResultT]):
    """A modal screen answered once."""


class Page(OnceDismissed, Screen[ResultT]):
    """A full screen answered once."""
