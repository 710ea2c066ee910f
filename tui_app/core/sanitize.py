"""Agent output is untrusted: remove everything a terminal would interpret as a command."""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings terminated by BEL or
# ST, and two-character escapes. Then C1 controls and C0 controls other than tab and newline.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                      # CSI
    | \x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?    # OSC, DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]                             # other escapes (incl. ESC c, ESC 7)
    | \x9b[0-?]*[ -/]*[@-~]                       # 8-bit CSI
    | [\x9d\x90\x98\x9e\x9f][^\x07\x9c]*(?:\x07|\x9c)?  # 8-bit string commands
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    """Return `text` without terminal escape sequences or control characters (tab, newline kept).

    A carriage return is dropped too: it could rewrite an earlier part of a line on screen.
    """
    if not text.isprintable() or "\x1b" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
        text = _CONTROL.sub("", text)
    return text
