"""Saving a session's file on this machine: a path the service chose never leaves the folder
the user chose, and nothing is overwritten unless asked.

The service's path is data (issue 18): `..`, an absolute path, a backslash or a NUL byte would
make it name a place outside the folder, so such a path is refused, never written. A folder
inside the chosen one that is a link to elsewhere is refused too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class UnsafePath(ValueError):
    """The service's path would leave the chosen folder; the message says why."""


class AlreadyThere(FileExistsError):
    """The target exists and overwriting was not asked for."""


def relative_parts(remote_path: str) -> list[str]:
    """The path's `/`-separated parts, each a plain name; raises `UnsafePath`."""
    shown = remote_path.replace("\x00", "\\0")
    if not remote_path:
        raise UnsafePath("The file has no path.")
    if "\x00" in remote_path:
        raise UnsafePath(f"Refused {shown!r}: the path holds a NUL byte.")
    if remote_path.startswith("/"):
        raise UnsafePath(f"Refused {shown!r}: an absolute path would leave the folder.")
    if "\\" in remote_path:
        raise UnsafePath(f"Refused {shown!r}: a backslash could name another folder.")
    parts = remote_path.split("/")
    if ".." in parts:
        raise UnsafePath(f"Refused {shown!r}: `..` would leave the folder.")
    if any(part in ("", ".") for part in parts):
        raise UnsafePath(f"Refused {shown!r}: the path has an empty or `.` part.")
    return parts


def target_in(folder: Path, remote_path: str) -> Path:
    """Where `remote_path` goes inside `folder`; raises `UnsafePath`. Creates no folder."""
    return folder.joinpath(*relative_parts(remote_path))


def _inside(folder: Path, path: Path) -> bool:
    """Whether `path`'s nearest existing folder, links followed, is inside `folder`."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return existing.resolve().is_relative_to(folder.resolve())


def _prepared_target(folder: Path, remote_path: str) -> Path:
    """`target_in`, with its subfolders made, each checked to stay inside `folder`."""
    target = target_in(folder, remote_path)
    linked_out = UnsafePath(f"Refused {remote_path!r}: a folder on its way links outside {folder}.")
    if not _inside(folder, target.parent):
        raise linked_out
    target.parent.mkdir(parents=True, exist_ok=True)
    # Again once the folders exist: one may have been made a link in between.
    if not _inside(folder, target.parent):
        raise linked_out
    return target


def save_into(folder: Path, remote_path: str, content: bytes, force: bool = False) -> Path:
    """Write `content` at `remote_path` inside `folder` (its subfolders created); the path written.
    Raises `UnsafePath`, or `AlreadyThere` when the file exists and `force` is False."""
    return save_as(_prepared_target(folder, remote_path), content, force)


MAX_OTHER_NAMES = 999


def numbered_name(name: str, number: int) -> str:
    """`summary.md` as its `number`th copy, `summary (2).md`; the whole of a double suffix
    (`.tar.gz`) kept, and a leading dot is part of the name."""
    dot = name.find(".", 1)
    base, suffix = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    return f"{base} ({number}){suffix}"


def save_beside(folder: Path, remote_path: str, content: bytes) -> Path:
    """Keep both: write `content` under the first free numbered name next to the file already at
    `remote_path` in `folder`; the path written. Raises `UnsafePath`, or `AlreadyThere` past
    `MAX_OTHER_NAMES` copies."""
    target = _prepared_target(folder, remote_path)
    for number in range(2, MAX_OTHER_NAMES + 1):
        try:  # each try is O_EXCL: a name taken meanwhile is skipped, never overwritten
            return save_as(target.with_name(numbered_name(target.name, number)), content)
        except AlreadyThere:
            continue
    raise AlreadyThere(f"{target} has {MAX_OTHER_NAMES} copies already.")


def save_as(target: Path, content: bytes, force: bool = False) -> Path:
    """Write `content` to `target`, a path the user chose. Without `force` an existing file (or
    link) is left alone: `AlreadyThere`. With it, the file is replaced whole, never half written,
    and a link there is replaced rather than followed."""
    if not force:
        try:
            with target.open("xb") as out:  # O_EXCL: fails on anything already there, links too
                out.write(content)
        except FileExistsError:
            raise AlreadyThere(f"{target} exists already.") from None
        return target
    handle, temporary = tempfile.mkstemp(prefix=".tui-app-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
