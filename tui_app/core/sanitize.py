"""Agent output is untrusted: remove everything a terminal would interpret as a command."""

from __future__ import annotations

import re
from typing import Any

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


# Invisible characters that change how text reads: bidi marks, embeddings, overrides and isolates
# (the "Trojan Source" set), zero-width spaces that hide text, the BOM; and the C1 controls. U+200D (the
# zero-width joiner) and U+200C stay: emoji sequences and several scripts need them.
_INVISIBLE = re.compile(r"[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x80-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Any character `clean_text` changes: one scan decides whether the text needs the work at all.
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)
# 7-bit escape sequences and C0 controls only: a C1 control is shown as a marker (below), so an
# 8-bit CSI becomes visible text instead of vanishing with what follows it.
_ESCAPE_7BIT = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]
    | \x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?
    | \x1b[ -/]*[0-~]
    """,
    re.VERBOSE,
)
_C0 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _marker(match: re.Match[str]) -> str:
    return f"⟨U+{ord(match.group()):04X}⟩"


def clean_text(text: str) -> str:
    """Network text made safe to show: lone surrogates replaced (they cannot be encoded, so they
    would break printing and export), escape sequences and C0 controls but tab and newline
    removed, bidi controls, zero-width characters and C1 controls shown as `⟨U+XXXX⟩` markers.

    Idempotent: a marker is plain text.
    """
    if _NEEDS_CLEANING.search(text) is None:
        return text
    text = _SURROGATE.sub("\ufffd", text)
    text = _ESCAPE_7BIT.sub("", text)
    text = _C0.sub("", text)
    return _INVISIBLE.sub(_marker, text)


MAX_DEPTH = 64
"""How deep network JSON may nest. The services' payloads are a few levels deep; thousands of
levels are an attack on the recursion limit."""


class TooDeep(ValueError):
    """JSON nested deeper than `MAX_DEPTH`."""


def clean_data(value: Any, depth: int = 0) -> Any:
    """Decoded JSON with every string (keys too) passed through `clean_text`. Raises `TooDeep`."""
    if isinstance(value, str):
        return clean_text(value)
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        return {clean_text(str(key)): clean_data(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_data(item, depth + 1) for item in value]
    return value
