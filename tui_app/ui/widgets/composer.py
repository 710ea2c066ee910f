"""The multi-line composer: Enter sends, Ctrl+J (or Shift+Enter where the terminal tells) adds a line,
Ctrl+U clears it (Ctrl+Z, or Up on the empty composer, brings the text back). Up on the empty
composer also takes back the last message queued behind a running turn, Ctrl+K there removes it;
a large paste shows as a marker (F4 expands it); Ctrl+E edits the draft in $EDITOR. `@path` lists
the files it may name (Tab attaches one, shown as a chip above; Backspace on an empty composer
removes the last)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from textual import events
from textual.app import SuspendNotSupported
from textual.binding import Binding
from textual.message import Message

from tui_app.core.attachments import typed_text
from tui_app.ui.widgets.composer_attaching import AttachingTextArea
from tui_app.ui.widgets.composer_editor import run_editor
from tui_app.ui.widgets.composer_paste import CollapsedPastes, is_large

# Textual reads ESC followed by a digit (how tmux, xterm and most terminals send Alt+digit unless
# told otherwise) as the glyph macOS's Option+digit types: ESC 1 arrives as "¡". These glyphs
# stand for Alt+digit here. "£" (ESC 3) and "§" (ESC 6) are left out: UK and German keyboards
# type them as text; sessions 3 and 6 stay reachable with Ctrl+G then the digit.
ESC_DIGIT_KEYS: dict[str, int] = {
    "inverted_exclamation_mark": 1,  # ¡
    "trade_mark_sign": 2,  # ™
    "cent_sign": 4,  # ¢
    "infinity": 5,  # ∞
    "pilcrow_sign": 7,  # ¶
    "bullet": 8,  # •
    "ª": 9,
}


@dataclass(frozen=True, slots=True)
class TakenBack:
    """A queued message out of the queue: its text, and the paths of the files it took along."""

    text: str
    attachments: tuple[str, ...] = ()


class QueueAccess(Protocol):
    """The messages queued in the session on screen, as the composer reaches them."""

    def count(self) -> int: ...
    def take_last(self) -> TakenBack | None: ...
    def remove_last(self) -> TakenBack | None: ...


class Composer(AttachingTextArea):
    """Where the user writes. Its text is only cleared once a send was accepted."""

    BINDINGS = [
        Binding("enter", "send", "Send", id="send"),
        Binding("ctrl+j,shift+enter", "newline", "New line", id="newline"),
        # Shells' Ctrl+U; TextArea's "delete to start of line" is rarely what a message needs.
        Binding("ctrl+u", "clear_text", "Clear", show=False, tooltip="Clear the composer", id="clear-composer"),
        # On an empty composer only; elsewhere it is TextArea's "delete to the end of the line".
        Binding("ctrl+k", "remove_queued", "Unqueue", show=False, tooltip="Remove the last queued message (on an empty composer)", id="unqueue"),
        Binding("f4", "expand_pastes", "Expand", tooltip="Expand pasted text", id="expand-paste"),
        # Replaces TextArea's Ctrl+E (line end): End does that too.
        Binding("ctrl+e", "edit_in_editor", "Editor", show=False, tooltip="Edit the message in $EDITOR", id="editor"),
        Binding("f5", "retry_start", "Retry", tooltip="Retry starting the session", id="retry-start"),
        *AttachingTextArea.ATTACHMENT_BINDINGS,
    ]

    @dataclass
    class Submitted(Message):
        composer: Composer
        text: str
        attachments: tuple[str, ...] = ()
        """The paths of the files to send with it, as the user gave them."""

    @dataclass
    class SessionKey(Message):
        """A terminal sent Alt+digit as ESC and the digit, which Textual reads as a glyph."""

        number: int

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder="Message the agent…",
            **kwargs,  # type: ignore[arg-type]
        )
        self.prompts: list[str] = []
        """Earlier prompts of the session on screen, oldest first (Up recalls them)."""
        self._recalled: int | None = None
        self._send_keys = {"enter"}
        self._newline_keys = {"ctrl+j", "shift+enter"}
        self._cleared: str | None = None
        """The text Ctrl+U cleared, until Up brings it back or something is typed."""
        self._cleared_files: tuple[str, ...] = ()
        """The files of a queued message Ctrl+K removed: Up brings them back with its text."""
        self.pastes = CollapsedPastes()
        self.queue: QueueAccess | None = None
        self.retry: Callable[[], None] | None = None
        """Set while the session on screen failed to start: F5 tries again."""

    def remap(self, keymap: Mapping[str, str]) -> None:
        """Take the user's keys for sending and new lines (bindings `send` and `newline`).

        TextArea turns Enter into a newline before any binding sees it, so these two keys are
        handled in `_on_key`, and the app's keymap has to be told to the widget."""
        def keys(binding_id: str, default: set[str]) -> set[str]:
            spec = keymap.get(binding_id)
            return {part.strip() for part in spec.split(",")} if spec else default

        self._send_keys = keys("send", {"enter"})
        self._newline_keys = keys("newline", {"ctrl+j", "shift+enter"})

    async def _on_key(self, event: events.Key) -> None:
        if self._attachment_key(event.key):
            event.stop()
            event.prevent_default()
            return
        if (number := ESC_DIGIT_KEYS.get(event.key)) is not None:
            event.stop()
            event.prevent_default()
            self.post_message(self.SessionKey(number))
            return
        if event.key in ("up", "down") and self._recall(-1 if event.key == "up" else 1):
            event.stop()
            event.prevent_default()
            return
        if event.key in self._send_keys:
            event.stop()
            event.prevent_default()
            self.action_send()
        elif event.key in self._newline_keys:
            event.stop()
            event.prevent_default()
            self.action_newline()
        else:
            await super()._on_key(event)

    def set_history(self, prompts: list[str]) -> None:
        # Up recalls what was written: the line saying what went with it is not part of that.
        self.prompts = [typed_text(prompt) for prompt in prompts]
        self._recalled = None

    def _recall(self, step: int) -> bool:
        """Up on an empty composer (or while recalling) shows an earlier prompt; Down a later one.
        Returns False when the key should move the cursor as usual."""
        recalled, history = self._recalled, self.prompts
        if step < 0 and not self.text and self._cleared is not None:
            self.text, self._cleared = self._cleared, None
            self._attach_again(self._cleared_files)
            self.move_cursor(self.document.end)
            return True
        if step < 0 and not self.text and self.queue is not None and (queued := self.queue.take_last()) is not None:
            self.text = queued.text
            self._attach_again(queued.attachments)
            self.move_cursor(self.document.end)
            return True
        if not history or (recalled is None and (self.text or step > 0)):
            return False
        if recalled is not None and self.text != history[recalled]:
            return False  # edited since: arrows move the cursor again
        index = len(history) if recalled is None else recalled
        index += step
        if index < 0:
            return True
        if index >= len(history):
            self._recalled = None
            self.text = ""
            return True
        self._recalled = index
        self.text = history[index]
        self.move_cursor(self.document.end)
        return True

    def _attach_again(self, paths: tuple[str, ...]) -> None:
        """A message taken back from the queue brings its files back as chips, beside any there."""
        if paths:
            self.show_attachments([*self.attachments, *(path for path in paths if path not in self.attachments)], told=True)

    @property
    def full_text(self) -> str:
        """The message as it will be sent: pastes shown as markers are in it in full."""
        return self.pastes.expand(self.text)

    def action_send(self) -> None:
        if self.text.strip():
            self.post_message(self.Submitted(self, self.full_text, tuple(self.attachments)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry_start":
            return self.retry is not None
        if action == "expand_pastes":
            return self.pastes.present(self.text)
        return super().check_action(action, parameters)

    async def _on_paste(self, event: events.Paste) -> None:
        if self.read_only or not is_large(event.text):
            return  # TextArea's own handler, next in line, inserts it
        event.prevent_default()
        event.stop()
        self.insert(self.pastes.collapse(event.text))
        self.refresh_bindings()  # F4 shows in the footer

    def action_expand_pastes(self) -> None:
        if self.pastes.present(self.text):
            self.text = self.full_text
            self.pastes.clear()
            self.move_cursor(self.document.end)
            self.refresh_bindings()

    def action_remove_queued(self) -> None:
        if not self.text and self.queue is not None and (removed := self.queue.remove_last()) is not None:
            self._cleared, self._cleared_files = removed.text, removed.attachments  # Up brings it back, as after Ctrl+U
            self.notify("The last queued message was removed (Up brings it back).", markup=False)
            return
        self.action_delete_to_end_of_line_or_delete_line()

    def action_retry_start(self) -> None:
        if self.retry is not None:
            self.retry()

    def action_edit_in_editor(self) -> None:
        try:
            with self.app.suspend():
                result = run_editor(self.full_text)
        except SuspendNotSupported:
            self.notify("No editor here: this terminal cannot hand itself over.", severity="warning", markup=False)
            return
        if result.text is None:
            self.notify(result.error or "The editor failed.", severity="warning", markup=False)
            return
        self.pastes.clear()
        self.replace(result.text, self.document.start, self.document.end)  # an edit: Ctrl+Z undoes it
        self.move_cursor(self.document.end)
        self.refresh_bindings()

    def action_newline(self) -> None:
        self.insert("\n")

    def action_clear_text(self) -> None:
        if self.text:
            self._cleared, self._cleared_files = self.text, ()
            self.clear()  # an edit, so Ctrl+Z undoes it (the pastes stay known for that)

    def show_draft(self, draft: str) -> None:
        """Show a session's kept draft, the cursor at its end so typing goes on from there."""
        with self.prevent(self.Changed):
            self.text = draft
        self._cleared = None
        self.pastes.clear()
        self.move_cursor(self.document.end)
