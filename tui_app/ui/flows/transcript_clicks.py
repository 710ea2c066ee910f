"""What the app does with a click in the transcript's Markdown: a link is shown and opened only
on a yes; a cut code line opens its block whole. Mixed into the App, whose handlers Textual
finds by name in every class of its MRO (the messages bubble up from the widget)."""

from __future__ import annotations

from textual.app import App

from tui_app.ui.screens.code_dialog import CodeDialog
from tui_app.ui.screens.link_dialog import LinkDialog
from tui_app.ui.widgets.transcript.interactive_markdown import InteractiveMarkdown
from tui_app.workspace.link_opening import link_opener, open_link


def ask_to_open(app: App[object], url: str) -> None:
    """Show `url` in a dialog; hand it to the link opener on a yes."""
    opener = link_opener()

    def answered(yes: bool | None) -> None:
        if not yes or opener is None:
            return
        try:
            open_link(opener, url)
        except (OSError, ValueError) as error:
            app.notify(f"Could not open the link: {error}", severity="error", markup=False)

    app.push_screen(LinkDialog(url, opener), answered)


class TranscriptClicks:
    """The App's answers to `InteractiveMarkdown`'s clicks."""

    def on_interactive_markdown_link_clicked(self, message: InteractiveMarkdown.LinkClicked) -> None:
        if isinstance(self, App):
            ask_to_open(self, message.url)

    def on_interactive_markdown_code_clicked(self, message: InteractiveMarkdown.CodeClicked) -> None:
        if isinstance(self, App):
            self.push_screen(CodeDialog(message.code, message.line))
