"""Saving one of a session's files: the folder to save into (the current one to begin with,
Tab/→ completes a folder's name), and, when a file is there already, a choice: replace it,
keep both (the new one numbered), or cancel. Nothing is ever replaced without that choice, and
the service's path never leaves the folder (`workspace/file_saving.py`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from tui_app.ui.screens.dialog import Dialog
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static

from tui_app.ui.screens.file_viewer import size_text
from tui_app.workspace.file_saving import AlreadyThere, UnsafePath, save_beside, save_into, target_in

Choice = Literal["replace", "both", "cancel"]
MAX_FOLDER_ENTRIES = 2000
"""Entries read to complete a folder's name: a huge folder costs no more than this."""


def folder_of(typed: str) -> Path:
    return Path(os.path.expanduser(typed.strip() or "."))


class FolderSuggester(Suggester):
    """Completes the last part of a folder path with the first subfolder whose name starts so
    (hidden ones only when a dot was typed)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # folders come and go

    async def get_suggestion(self, value: str) -> str | None:
        head, slash, prefix = value.rpartition("/")
        parent = folder_of(head + slash) if slash else Path(".")
        names: list[str] = []
        try:
            with os.scandir(parent) as entries:
                for count, entry in enumerate(entries):
                    if count >= MAX_FOLDER_ENTRIES:
                        break
                    hidden = entry.name.startswith(".") and not prefix.startswith(".")
                    if entry.name.startswith(prefix) and not hidden and entry.is_dir():
                        names.append(entry.name)
        except OSError:
            return None
        if not names:
            return None
        completed = f"{head}{slash}{min(names)}/"
        return completed if completed != value else None


class ReplaceScreen(Dialog[Choice]):
    """A file is where the new one would go: replace it, keep both, or cancel (the safe one,
    focused)."""

    CSS_PATH = "save_file.tcss"
    BINDINGS = [
        Binding("r", "choose('replace')", "Replace", id="replace-replace"),
        Binding("k", "choose('both')", "Keep both", id="replace-keep-both"),
        Binding("escape,n", "choose('cancel')", "Cancel", id="replace-cancel"),
    ]

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="replace-box"):
            yield Static(f"{self.target} exists already. Replace it, or keep both?", id="replace-question", markup=False)
            with Horizontal(id="replace-buttons"):
                yield Button("Replace  r", variant="error", id="replace")
                yield Button("Keep both  k", variant="primary", id="both")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        chosen: dict[str | None, Choice] = {"replace": "replace", "both": "both"}
        self.dismiss(chosen.get(event.button.id, "cancel"))


class SaveFileScreen(Dialog[Path | None]):
    """Where to save `remote_path`; dismissed with the path written, or None (nothing written)."""

    CSS_PATH = "save_file.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save-cancel")]

    def __init__(self, remote_path: str, content: bytes, folder: Path) -> None:
        super().__init__()
        self.remote_path = remote_path
        self.content = content
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box") as box:
            box.border_title = "Save a file"
            said = f"Save {self.remote_path} ({size_text(len(self.content))}) into the folder:"
            yield Static(said, id="save-what", markup=False)
            yield Input(str(self.folder), id="save-folder", suggester=FolderSuggester())
            yield Static("Its own folders are made inside it. → completes a folder's name.", id="save-problem", markup=False)
            with Horizontal(id="save-buttons"):
                yield Button("Save  ⏎", variant="primary", id="save")
                yield Button("Cancel  esc", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _problem(self, text: str) -> None:
        self.query_one("#save-problem", Static).update(text)
        self.query_one("#save-problem").add_class("-problem")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def save(self, how: Choice | None = None) -> None:
        """Write the file; when one is there already, ask first (`how` is the answer)."""
        folder = folder_of(self.query_one(Input).value)
        if not folder.is_dir():
            self._problem(f"There is no folder {folder}. Nothing was written.")
            return
        try:
            if how == "both":
                written = save_beside(folder, self.remote_path, self.content)
            else:
                written = save_into(folder, self.remote_path, self.content, force=how == "replace")
        except UnsafePath as error:
            self._problem(f"{error} Nothing was written.")
            self.notify(f"{error} Nothing was written.", severity="error", markup=False)
        except AlreadyThere:
            self.app.push_screen(ReplaceScreen(target_in(folder, self.remote_path)), callback=self._chosen)
        except OSError as error:
            self._problem(f"{self.remote_path} could not be saved: {error.strerror or error}")
        else:
            self.dismiss(written)

    def _chosen(self, choice: Choice | None) -> None:
        if choice in ("replace", "both"):
            self.save(choice)
        else:
            self._problem("Not replaced: nothing was written. Choose another folder, or esc.")
