"""The composer's `@path` attachments: `@` at the start of a word lists the paths it may complete
to (under the composer), Tab attaches the chosen file as a chip (above it) or opens a folder,
Backspace on an empty composer removes the last chip. The chips are the paths; the files are read
when the message is sent (`ui/flows/attachment_flow.py`)."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import TextArea

from tui_app.ui.widgets.composer_at_path import at_path_before
from tui_app.ui.widgets.composer_attachments import AttachmentChips, PathChoices
from tui_app.workspace.path_completion import path_choices


class AttachingTextArea(TextArea):
    """A TextArea that keeps a list of attached paths, with `@path` completion."""

    ATTACHMENT_BINDINGS = [
        # Both handled in `_attachment_key` (before TextArea's own keys); bound so the footer shows
        # them. The subclass declares them in its own BINDINGS, where the keys help finds them.
        Binding("tab", "accept_path", "Attach", tooltip="Attach the chosen file (a folder opens)", id="attach-path"),
        Binding("backspace", "detach_last", "Detach", tooltip="Remove the last attachment (on an empty composer)", id="detach"),
        # A class's bindings for a key replace its base's: TextArea's Backspace, kept after ours.
        Binding("backspace", "delete_left", "Delete character left", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.attachments: list[str] = []
        self.attachments_changed: Callable[[tuple[str, ...]], None] | None = None
        """Told when the user attaches or removes a file (the draft keeps them)."""
        self.chips = AttachmentChips()
        self.path_choices = PathChoices()
        self._closed_at: tuple[int, int] | None = None
        """Where Esc closed the choices: they stay closed until the `@path` moves elsewhere."""
        self._footer_state = (False, False)

    def on_mount(self) -> None:
        if self.parent is not None:
            # After the app's own rows above the composer (queued messages) are in place.
            self.call_after_refresh(self._mount_around)

    def _mount_around(self) -> None:
        # The app may be quitting already (Ctrl+Q before the first refresh): nothing to mount into.
        if self.parent is not None and self.parent.is_attached and not self.chips.is_attached:
            self.parent.mount(self.chips, before=self)
            self.parent.mount(self.path_choices, after=self)

    def _attachment_key(self, key: str) -> bool:
        """Keys that mean something while `@path` choices are listed or files are attached."""
        if self.path_choices.choices:
            if key == "tab":
                self.action_accept_path()
                return True
            if key in ("up", "down"):
                self.path_choices.move(-1 if key == "up" else 1)
                return True
            if key == "escape":
                self._closed_at = self.cursor_location
                self._update_choices()
                return True
        if key == "backspace" and not self.text and self.attachments:
            self.action_detach_last()
            return True
        return False

    def _at_path(self) -> tuple[int, str] | None:
        row, column = self.cursor_location
        return at_path_before(self.document.get_line(row), column)

    def _update_choices(self) -> None:
        at_path = self._at_path()
        if at_path is None or self._closed_at == self.cursor_location:
            choices = []
        else:
            choices = path_choices(at_path[1])
        if choices != self.path_choices.choices:
            self.path_choices.show_choices(choices)
        self._update_footer()

    def _update_footer(self) -> None:
        state = (bool(self.path_choices.choices), not self.text and bool(self.attachments))
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def on_text_area_changed(self) -> None:
        self._update_choices()

    def on_text_area_selection_changed(self) -> None:
        self._update_choices()

    def action_accept_path(self) -> None:
        choice, at_path = self.path_choices.chosen, self._at_path()
        if choice is None or at_path is None:
            return
        row, column = self.cursor_location
        if choice.is_dir:
            self.replace(f"@{choice.typed}", (row, at_path[0]), (row, column))
            return
        self.replace("", (row, at_path[0]), (row, column))
        if choice.typed not in self.attachments:
            self.show_attachments([*self.attachments, choice.typed], told=True)

    def action_detach_last(self) -> None:
        if self.attachments:
            removed = self.attachments[-1]
            self.show_attachments(self.attachments[:-1], told=True)
            self.notify(f"{removed} will not be sent with the message.", markup=False)

    def show_attachments(self, paths: list[str] | tuple[str, ...], told: bool = False) -> None:
        """Attach `paths` (a session's kept draft, or the user's choice when `told`)."""
        self.attachments = list(paths)
        self.chips.show_paths(self.attachments)
        if told and self.attachments_changed is not None:
            self.attachments_changed(tuple(self.attachments))
        self._update_footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept_path":
            return bool(self.path_choices.choices)
        if action == "detach_last":
            return not self.text and bool(self.attachments)
        return super().check_action(action, parameters)
