"""`clean_text` of a text that grows, paying only for what it gained.

Both services send a streamed part's whole text so far with every token, so cleaning each
version whole costs O(n) per event, O(n²) over a reply (scanning 22 KB for characters to clean
takes ~0.3 ms). Here the cleaning of the longest prefix that no continuation can change is kept,
and a new version that starts with the old one only cleans what lies past that prefix.

Cleaning is not compositional at every cut: an escape sequence (or a lone ESC) split between two
versions is removed whole or in part depending on what follows. So the kept prefix ends before
the last escape sequence unless that sequence is complete whatever comes next (`settled`);
every other rule of `clean_text` works character by character. The result is always exactly
`clean_text(text)` (a Hypothesis property in tests/unit/test_growing_clean.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui_app.core.sanitize import clean_text

# The same escape sequences `clean_text` removes, one named group per alternative, in its order.
_SEQUENCE = re.compile(
    r"""
    (?P<csi>\x1b\[[0-?]*[ -/]*[@-~])
    | (?P<string>\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?)
    | (?P<other>\x1b[ -/]*[0-~])
    """,
    re.VERBOSE,
)
_INTERMEDIATES = re.compile(r"[ -/]*")


def settled(text: str) -> int:
    """A prefix of `text` (as long as can be told cheaply) whose cleaning no continuation can change: for every `more`,
    clean_text(text + more) == clean_text(text[:n]) + clean_text((text + more)[n:]).

    Sequences start only at ESC, and no sequence but a string command can hold an ESC, so only the
    last ESC and the sequence around it can still change."""
    last_esc = text.rfind("\x1b")
    if last_esc < 0:
        return len(text)
    last = None
    for last in _SEQUENCE.finditer(text):
        pass
    if last is None or last.end() <= last_esc:
        # The last ESC starts no sequence. Once a character past its intermediates says so, that
        # is final, and so is every sequence before it (none reads past an ESC but a string
        # command's terminator, which needs the character after it). Until then it may still
        # start one; and a string command that stopped at it may still end with it.
        if not _INTERMEDIATES.fullmatch(text, last_esc + 1):
            return len(text)
        if last is not None and last.end() == last_esc and last_esc == len(text) - 1:
            return last.start()
        return last_esc
    return last.end() if _complete(last) else last.start()


def _complete(match: re.Match[str]) -> bool:
    """Whether the sequence would be removed the same whatever follows it."""
    if match.group("csi") is not None:
        return True  # it ends at its final byte; the runs before it stop at characters it has
    if match.group("string") is not None:
        return match.group().endswith(("\x07", "\x1b\\"))
    # `ESC [` read as a two-character escape only because no whole CSI was there (yet).
    return match.group()[1] != "["


@dataclass(frozen=True, slots=True)
class _Cleaned:
    raw: str
    """The last version cleaned, as it came."""
    cut: int
    """`settled(raw)`: the end of the prefix whose cleaning is kept."""
    prefix: str | None
    """clean_text(raw[:cut]); None when that is raw[:cut] itself (nothing in it needed cleaning)."""


class GrowingCleaner:
    """`clean_text` with a memory of the last version of a few growing texts, each under a key
    chosen by the caller (a part's id). A key only finds the memory: a text that does not start
    with the version kept there is cleaned whole, so a wrong or shared key costs time, never
    correctness. Holds at most `capacity` texts, the least recently used dropped first.

    Safe to share between threads: an entry is replaced whole, never changed."""

    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._entries: dict[object, _Cleaned] = {}
        self.chars_cleaned = 0
        """Characters passed to `clean_text` so far: the work done, for tests to check."""

    def clean(self, key: object, text: str) -> str:
        """clean_text(text), cleaning only what came since the last version under `key`."""
        entry = self._entries.pop(key, None)
        if entry is None or not text.startswith(entry.raw):
            entry = _Cleaned("", 0, None)
        tail = text[entry.cut :]
        cut = settled(tail)
        head_raw, rest_raw = tail[:cut], tail[cut:]
        head, rest = self._clean(head_raw), self._clean(rest_raw)
        if entry.prefix is None and head == head_raw:
            prefix = None
        else:
            prefix = (text[: entry.cut] if entry.prefix is None else entry.prefix) + head
        self._remember(key, _Cleaned(text, entry.cut + cut, prefix))
        if prefix is None and rest == rest_raw:
            return text  # nothing in it needed cleaning: no copy
        return (text[: entry.cut + cut] if prefix is None else prefix) + rest

    def _clean(self, text: str) -> str:
        self.chars_cleaned += len(text)
        return clean_text(text)

    def _remember(self, key: object, entry: _Cleaned) -> None:
        entries = self._entries
        entries[key] = entry
        while len(entries) > self._capacity:
            try:
                del entries[next(iter(entries))]
            except (KeyError, StopIteration, RuntimeError):
                break  # another thread dropped it first
