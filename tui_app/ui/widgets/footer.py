"""The key footer, without the growth of Textual's own, recomposed only when its keys change.

Textual's `Footer` recomposes whenever the bindings change (focus moves, a check_action's answer
changes), and each key it composes watches the footer's `compact` through `data_bind`. The
footer's list of watchers drops the keys that have left only when `compact` itself changes, which
in this app it never does: every recompose kept every old key alive, a few kilobytes a turn, for
as long as the app ran (issue 16). Once a recompose has removed the old keys, asking the footer's
watchers to run once (`mutate_reactive`, the same value) lets Textual drop the closed ones.

A recompose mounts a widget per key and lays the screen out again. The app asks for one whenever
the session on screen changes state ("Cancel turn" shows only while a turn runs), and a turn
goes through several states that show the same keys (sending, streaming; a queued message sent
as the last turn ends): a recompose that would compose the keys already shown is skipped.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

__all__ = ["Footer"]


class Footer(TextualFooter):
    """Textual's footer, whose recompose lets go of the keys it replaced, and is skipped when
    the keys it would show are those it shows."""

    def __init__(self, *, id: str | None = None, classes: str | None = None, compact: bool = False) -> None:
        super().__init__(id=id, classes=classes, compact=compact)
        self._keys_ready = False
        self._composed: Hashable = None
        self.recomposed = 0
        """Recomposes done (for tests)."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._keys_ready = True  # (from the first call on, the footer composes its keys)
        super().bindings_changed(screen)

    def _keys(self) -> Hashable:
        """Everything `compose` makes the keys of."""
        if not self._keys_ready:
            return None
        shown = tuple(
            (binding.key, self.app.get_key_display(binding), binding.description, binding.action, binding.group, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return self.compact, self.show_command_palette, shown

    async def recompose(self) -> None:
        if not self.is_attached:
            await super().recompose()
            return
        keys = self._keys()
        if keys is not None and keys == self._composed:
            return
        self._composed = keys
        self.recomposed += 1
        for key in self.children:
            # Textual keeps the styles caches of up to 1,024 removed widgets (an `lru_cache` on a
            # method of theirs), each with the line it drew: a whole repaint empties it first.
            key.refresh()
        await super().recompose()
        if self.is_attached:
            # Same value: the keys still shown keep it; the watchers of removed keys are dropped.
            self.mutate_reactive(TextualFooter.compact)
