"""Which lines of a widget changed between two frames, as runs to repaint.

A streamed frame usually changes one line (characters added to it) or adds one; repainting
only those lines keeps a frame's cost to what changed on screen (issue 16).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.strip import Strip


def same_line(old: Strip | None, new: Strip | None) -> bool:
    """Whether two lines draw the same (a line rendered again is a new, equal `Strip`)."""
    if old is new:
        return True
    return old is not None and new is not None and old == new


def changed_runs(old: Sequence[Strip | None], new: Sequence[Strip | None]) -> list[tuple[int, int]]:
    """(first, count) of each run of consecutive lines that differ; `old` and `new` are the same
    lines of two frames (None: no line there)."""
    runs: list[tuple[int, int]] = []
    first: int | None = None
    for index in range(max(len(old), len(new))):
        differs = not same_line(old[index] if index < len(old) else None, new[index] if index < len(new) else None)
        if differs and first is None:
            first = index
        elif not differs and first is not None:
            runs.append((first, index - first))
            first = None
    if first is not None:
        runs.append((first, max(len(old), len(new)) - first))
    return runs
