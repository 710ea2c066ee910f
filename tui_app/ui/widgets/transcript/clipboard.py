"""Copying text out of the transcript: OSC 52 to the terminal, and a file for terminals that ignore it."""

from __future__ import annotations

from pathlib import Path

from textual.app import App


def copy_text(app: App[object], text: str, what: str) -> None:
    """Copy `text` and say so; `what` names it in the notice ("the message", "code block 1 of 2")."""
    app.copy_to_clipboard(text)
    fallback = clipboard_file(app)
    try:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        fallback.write_text(text, encoding="utf-8")
    except OSError:
        app.notify(f"Copied {what} ({len(text)} characters) through the terminal (OSC 52).", title="Copied")
        return
    app.notify(
        f"Copied {what} ({len(text)} characters). If your terminal ignores OSC 52, it is also in {fallback}",
        title="Copied",
    )


def clipboard_file(app: App[object]) -> Path:
    """Next to the app's database when it has one, so a test's data dir holds it too."""
    store = getattr(app, "store", None)
    if store is not None and getattr(store, "path", None) is not None:
        return Path(store.path).parent / "clipboard.txt"
    from tui_app.settings.backend_choice import data_dir

    return data_dir() / "clipboard.txt"


class CodeCursor:
    """Which code block of which message was copied last, so each press copies the next one."""

    def __init__(self) -> None:
        self._message_id = ""
        self._index = -1

    def next(self, message_id: str, blocks: int) -> int:
        """The index of the block to copy now, wrapping around; 0 for another message."""
        index = (self._index + 1) % blocks if message_id == self._message_id else 0
        self._message_id, self._index = message_id, index
        return index
