"""Keys typed before the composer has the focus (at launch, the bytes a quick typist sends while
the app starts) are the composer's: nothing typed is lost. Mixed into the App."""

from __future__ import annotations

from textual import events

from tui_app.ui.widgets.composer import Composer


class EarlyKeys:
    """Mixed into the App: `screen_stack` and `query_one` are the App's."""

    def on_key(self, event: events.Key) -> None:
        # A printable key reaches the App itself only when no widget took it: on the main screen
        # nothing but the composer takes text, so it goes there, the cursor after it.
        if event.is_printable and event.character and len(self.screen_stack) == 1:  # type: ignore[attr-defined]
            composer = self.query_one(Composer)  # type: ignore[attr-defined]
            composer.focus().insert(event.character, maintain_selection_offset=False)
