"""What the composer shows around the text for attachments: a row of chips above it (one per
attached file, removable before sending) and the `@path` choices under it (Tab attaches)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from rich.text import Text
from textual.widgets import Static

from tui_app.core.sanitize import clean_text
from tui_app.workspace.path_completion import PathChoice


class AttachmentChips(Static):
    """The files that go with the message. Hidden while there are none."""

    DEFAULT_CSS = """
    AttachmentChips {
        display: none;
        height: auto;
        max-height: 3;
        padding: 0 1;
    }
    AttachmentChips.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(markup=False, id="attachment-chips")

    def show_paths(self, paths: Sequence[str]) -> None:
        self.set_class(bool(paths), "-shown")
        text = Text()
        text.append("Attached ", style="bold")
        for path in paths:
            # A path is the user's text: a Text never reads it as markup.
            text.append(f" {clean_text(PurePath(path).name or path)} ", style="reverse")
            text.append(" ")
        if paths:
            text.append("· ⌫ on empty removes", style="dim")
        self.update(text)


class PathChoices(Static):
    """The paths `@partial` may complete to, the highlighted one first to go on Tab."""

    DEFAULT_CSS = """
    PathChoices {
        display: none;
        height: auto;
        max-height: 9;
        padding: 0 1;
        color: $text-muted;
    }
    PathChoices.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(markup=False, id="path-choices")
        self.choices: list[PathChoice] = []
        self.highlighted = 0

    def show_choices(self, choices: list[PathChoice]) -> None:
        self.choices, self.highlighted = choices, 0
        self._paint()

    def move(self, step: int) -> None:
        if self.choices:
            self.highlighted = (self.highlighted + step) % len(self.choices)
            self._paint()

    @property
    def chosen(self) -> PathChoice | None:
        return self.choices[self.highlighted] if self.choices else None

    def _paint(self) -> None:
        self.set_class(bool(self.choices), "-shown")
        text = Text()
        for index, choice in enumerate(self.choices):
            if index:
                text.append("\n")
            style = "reverse" if index == self.highlighted else ""
            text.append(f"@{clean_text(choice.typed)}", style=style)
        if self.choices:
            text.append("\nTab attach · ↑↓ choose · Esc close", style="dim")
        self.update(text)
