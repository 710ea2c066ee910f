"""The transcript's keys (`TranscriptView.BINDINGS`), with the ids `[keys]` remaps by."""

from __future__ import annotations

from textual.binding import Binding

TRANSCRIPT_BINDINGS = [
    Binding("up", "select(-1)", "Previous message", show=False, id="transcript-previous"),
    Binding("down", "select(1)", "Next message", show=False, id="transcript-next"),
    Binding("ctrl+c", "copy_message", "Copy message", id="copy-message"),
    Binding("ctrl+y", "copy_code", "Copy code", id="copy-code"),
    Binding("end", "jump_to_end", "Jump to end", show=False, id="jump-to-end"),
    Binding("home", "jump_to_start", "Top", show=False, id="transcript-top"),
    Binding(
        "enter", "toggle_blocks", "Expand", id="transcript-expand",
        tooltip="Expand tool calls, reasoning",
    ),
]
