"""The settings form: apply to this run, and write to config.toml only once confirmed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import App
from textual.markup import escape

from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from tui_app.ui.screens.settings_screen import SettingsChoice


class SettingsFlow:
    def __init__(self, app: App[None], loaded: LoadedSettings, apply: Callable[[Settings], None]) -> None:
        self.app = app
        self.loaded = loaded
        self._apply = apply

    def open(self, settings: Settings) -> None:
        from tui_app.ui.screens.settings_screen import SettingsScreen  # (imported when first opened)

        if isinstance(self.app.screen, SettingsScreen):
            return
        # The theme in use, not the file's: one picked in the palette would otherwise be undone
        # by Apply.
        in_use = replace(settings, theme=self.app.theme)
        screen = SettingsScreen(in_use, sorted(self.app.available_themes), str(self.loaded.path))
        self.app.push_screen(screen, callback=self._chosen)

    def _chosen(self, choice: SettingsChoice | None) -> None:
        if choice is None:
            return
        self._apply(choice.settings)
        if not choice.save:
            self.app.notify("Settings applied to this run.")
            return
        path = self.loaded.path

        def confirmed(yes: bool | None) -> None:
            if not yes:
                self.app.notify("Applied to this run only; config.toml is unchanged.")
                return
            from tui_app.settings.settings_writer import write_settings  # (tomlkit: only to write)

            try:
                write_settings(path, choice.changes)
            except OSError as error:
                self.app.notify(f"Not saved: {error}", severity="error", markup=False)
                return
            self.app.notify(f"Saved to {path}.", markup=False)

        question = (
            f"Write these settings to [b]{escape(str(path))}[/b]? Comments and settings not in the form "
            "stay as they are."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Write"), callback=confirmed)
