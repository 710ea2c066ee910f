"""The key footer, without the growth of Textual's own.

Textual's `Footer` recomposes whenever the bindings change (focus moves, a check_action's answer
changes), and each key it composes watches the footer's `compact` through `data_bind`. The
footer's list of watchers drops the keys that have left only when `compact` itself changes, which
in this app it never does: every recompose kept every old key alive, a few kilobytes a turn, for
as long as the app ran (issue 16). Once a recompose has removed the old keys, asking the footer's
watchers to run once (`mutate_reactive`, the same value) lets Textual drop the closed ones.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

__all__ = ["Footer"]


class Footer(TextualFooter):
    """Textual's footer, whose recompose lets go of the keys it replaced."""

    async def recompose(self) -> None:
        for key in self.children:
            # Textual keeps the styles caches of up to 1,024 removed widgets (an `lru_cache` on a
            # method of theirs), each with the line it drew: a whole repaint empties it first.
            key.refresh()
        await super().recompose()
        if self.is_attached:
            # Same value: the keys still shown keep it; the watchers of removed keys are dropped.
            self.mutate_reactive(TextualFooter.compact)
