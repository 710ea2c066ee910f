"""A local file handed to the agent with a message: what is sent, and how it is shown.

Stewrd takes files beside the message (`files: [{name, content}]`); Case.dev's chat API takes
only text parts, so there a file travels as a fenced block named after it. The user's message
in the transcript carries one line saying what went with it, as data like the rest of its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_BACKTICK_RUN = re.compile(r"`{3,}")


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    """The file's name as the agent sees it (no folders: the user's paths stay private)."""
    content: str
    """The file's text, decoded as UTF-8."""
    size: int
    """Bytes on disk."""
    source: str = ""
    """The path the user gave, so a draft can show the file again."""


def format_size(size: int) -> str:
    """1,234 B as "1.2 KiB": binary units, as `ls -h` and the limit setting use."""
    if size < 1024:
        return f"{size:,} B"
    for unit in ("KiB", "MiB"):
        size_in_unit = size / 1024
        if size_in_unit < 1024 or unit == "MiB":
            return f"{size_in_unit:,.1f} {unit}"
        size = int(size_in_unit)
    raise AssertionError("unreachable")


def attached_line(files: Sequence[Attachment]) -> str:
    """ "attached: notes.md (1.2 KiB), plan.txt (80 B)" """
    return "attached: " + ", ".join(f"{file.name} ({format_size(file.size)})" for file in files)


def shown_text(text: str, files: Sequence[Attachment]) -> str:
    """The user's message as the transcript keeps it: what they wrote, then what went with it."""
    return f"{text}\n\n{attached_line(files)}" if files else text


_ATTACHED_LINE = re.compile(r"\n\nattached: [^\n]* \([0-9.,]+ (?:B|KiB|MiB)\)\Z")


def typed_text(shown: str) -> str:
    """What the user wrote, from the message the transcript keeps (`shown_text`)."""
    return _ATTACHED_LINE.sub("", shown)


def fence_for(content: str) -> str:
    """A backtick fence longer than any run of three or more backticks in `content`, so the
    file's own fences cannot close the block early (CommonMark: a closing fence is at least as
    long as the opening one)."""
    longest = max((len(run) for run in _BACKTICK_RUN.findall(content)), default=2)
    return "`" * max(3, longest + 1)


def fenced(file: Attachment) -> str:
    """The file as Case.dev receives it: a fenced block whose info string is the file's name."""
    fence = fence_for(file.content)
    body = file.content if file.content.endswith("\n") or not file.content else file.content + "\n"
    # An info string is one line, and a backtick in it would make the fence not one (CommonMark).
    label = " ".join(file.name.replace("`", "'").split())
    return f"{fence}{label}\n{body}{fence}"
