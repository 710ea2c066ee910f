"""Reading the local files a message takes along, and refusing those the agent cannot read.

Only text goes: a file with a NUL byte or that is not UTF-8 is refused, and so is one past the
size limit (the `max_attachment_kib` setting), before anything is sent. The reason is a
sentence the user can act on; the draft and its attachments stay as they were.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tui_app.core.attachments import Attachment, format_size
from tui_app.core.sanitize import clean_text

class AttachmentRefused(Exception):
    """A file cannot go with the message; `str(error)` says why."""


def resolve(path: str, cwd: Path | None = None) -> Path:
    """`path` as the user typed it: `~` expanded, relative to the current directory."""
    expanded = Path(os.path.expanduser(path))
    return expanded if expanded.is_absolute() else (cwd or Path.cwd()) / expanded


def read_attachment(path: str, max_bytes: int, cwd: Path | None = None) -> Attachment:
    """The file at `path` as an attachment. Raises `AttachmentRefused` with the reason."""
    where = resolve(path, cwd)
    # A file name may hold anything but `/` and NUL: shown and sent, it is cleaned like any text.
    name = clean_text(where.name or path)
    try:
        if where.is_dir():
            raise AttachmentRefused(f"{path} is a folder: attach the files in it one by one.")
        size = where.stat().st_size
        if size > max_bytes:
            raise AttachmentRefused(
                f"{name} is {format_size(size)}, over the {format_size(max_bytes)} limit for an attachment "
                "(the max_attachment_kib setting, F2)."
            )
        with where.open("rb") as file:
            data = file.read(max_bytes + 1)  # it may have grown since stat
    except FileNotFoundError:
        raise AttachmentRefused(f"{path}: no such file.") from None
    except OSError as error:
        raise AttachmentRefused(f"{path} cannot be read: {error.strerror or error}.") from None
    if len(data) > max_bytes:
        raise AttachmentRefused(f"{name} is over the {format_size(max_bytes)} limit for an attachment.")
    if b"\0" in data:
        raise AttachmentRefused(f"{name} is a binary file: only text files can be attached.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AttachmentRefused(f"{name} is not UTF-8 text: only text files can be attached.") from None
    return Attachment(name, text, len(data), path)


def read_attachments(paths: Sequence[str], max_bytes: int, cwd: Path | None = None) -> tuple[Attachment, ...]:
    """Every file in `paths`, or `AttachmentRefused` for the first that cannot go."""
    files = tuple(read_attachment(path, max_bytes, cwd) for path in paths)
    names = [file.name for file in files]
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise AttachmentRefused(f"Two attachments are named {twice}: the agent could not tell them apart.")
    return files
