"""Completing the path after `@` in the composer: the entries of a folder whose names start
with what was typed, relative to the current directory, `~` expanded (as a shell completes)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tui_app.workspace.attachment_files import resolve

MAX_CHOICES = 8


@dataclass(frozen=True, slots=True)
class PathChoice:
    typed: str
    """The whole path as the user would have typed it (a folder ends with `/`)."""
    is_dir: bool


def path_choices(partial: str, cwd: Path | None = None, limit: int = MAX_CHOICES) -> list[PathChoice]:
    """What `partial` may complete to, folders and files in name order (at most `limit`)."""
    if partial == "~":
        partial = "~/"
    folder, slash, prefix = partial.rpartition("/")
    typed_folder = folder + slash
    try:
        with os.scandir(resolve(typed_folder or ".", cwd)) as entries:
            # Hidden entries only when asked for, as shells do.
            names = [
                (entry.name, entry.is_dir())
                for entry in entries
                if entry.name.startswith(prefix) and (prefix.startswith(".") or not entry.name.startswith("."))
            ]
    except OSError:
        return []  # no such folder (yet): nothing to offer
    names.sort(key=lambda pair: pair[0].lower())
    return [PathChoice(f"{typed_folder}{name}{'/' if is_dir else ''}", is_dir) for name, is_dir in names[:limit]]
