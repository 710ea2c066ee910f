"""Large pastes in the composer: shown as a marker ("[Pasted 5,000 lines]"), sent in full.

A paste of thousands of lines would push everything else out of the composer and make the
draft impossible to read or edit around. The marker stands for the text until the message is
sent (or the paste is expanded); a marker the user edits is no longer one, and stays as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_PASTE_LINES = 20
MAX_PASTE_CHARACTERS = 2000


def as_lines(text: str) -> str:
    """`text` with its line breaks as "\n": terminals paste them as CR (tmux, xterm) or CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_large(text: str) -> bool:
    return len(text) > MAX_PASTE_CHARACTERS or len(text.splitlines()) > MAX_PASTE_LINES


@dataclass
class CollapsedPastes:
    """The pasted texts the composer shows as markers, by marker."""

    texts: dict[str, str] = field(default_factory=dict)

    def collapse(self, text: str) -> str:
        """The marker to show for `text` (kept here until expanded or sent)."""
        text = as_lines(text)
        lines = len(text.splitlines())
        size = f"{lines:,} lines" if lines > 1 else f"{len(text):,} characters"
        marker = f"[Pasted {size}]"
        number = 1
        while marker in self.texts:
            number += 1
            marker = f"[Pasted {size} #{number}]"
        self.texts[marker] = text
        return marker

    def expand(self, shown: str) -> str:
        """`shown` with each marker still in it replaced by its text."""
        for marker, text in self.texts.items():
            shown = shown.replace(marker, text, 1)
        return shown

    def present(self, shown: str) -> bool:
        return any(marker in shown for marker in self.texts)

    def clear(self) -> None:
        self.texts.clear()
