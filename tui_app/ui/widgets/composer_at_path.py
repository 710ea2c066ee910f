"""Finding the `@path` being typed: an `@` at the start of the line or after a space, up to the
cursor. An `@` inside a word (an e-mail address) is not one."""

from __future__ import annotations

import re

_AT_PATH = re.compile(r"(?:^|(?<=\s))@(\S*)$")


def at_path_before(line: str, column: int) -> tuple[int, str] | None:
    """(the column of the `@`, the path typed after it) when the cursor ends an `@path`."""
    found = _AT_PATH.search(line[:column])
    return None if found is None else (found.start(), found.group(1))
