"""Where a setting is written in `config.toml`: the line a problem or `config show` names."""

from __future__ import annotations

import re


def line_of(text: str, location: list[str]) -> int | None:
    """The line that sets `location` (or the closest enclosing key), following `[table]` headers."""
    best: tuple[int, int] | None = None
    current_table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", stripped)
        if header:
            current_table = [part.strip().strip('"') for part in header.group(1).split(".")]
            dotted = current_table
        elif match := re.match(r"([^=#]+?)\s*=", stripped):
            dotted = current_table + [part.strip().strip('"') for part in match.group(1).split(".")]
        else:
            continue
        shared = len(dotted) if location[: len(dotted)] == dotted else 0
        if shared and (best is None or shared > best[0]):
            best = (shared, number)
    return best[1] if best else None
