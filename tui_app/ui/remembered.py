"""Choices the user made in the app that should outlive it (the theme), and where they were (the
session on screen, the sessions with unread output), kept apart from config.toml, which is the
user's file and is never rewritten without asking. It lives in the data directory, beside the
sessions it names."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from tui_app.workspace.reopen import Place

FILE_NAME = "ui-state.json"


@dataclass(slots=True)
class Remembered:
    path: Path | None = None
    theme: str | None = None
    problems: list[str] = field(default_factory=list)
    place: Place = Place()

    @classmethod
    def load(cls, directory: Path | None) -> Remembered:
        if directory is None:
            return cls()
        path = directory / FILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as error:
            return cls(path, problems=[f"{path}: ignored ({error.__class__.__name__}); it is rewritten on the next change"])
        if not isinstance(data, dict):
            data = {}
        theme, current, unread = data.get("theme"), data.get("session"), data.get("unread")
        ids = frozenset(i for i in unread if isinstance(i, str)) if isinstance(unread, list) else frozenset()
        place = Place(current if isinstance(current, str) else None, ids)
        return cls(path, theme if isinstance(theme, str) else None, place=place)

    def save(self) -> None:
        if self.path is None:
            return
        state = {"theme": self.theme, "session": self.place.current, "unread": sorted(self.place.unread)}
        # Written whole then renamed, so a crash never leaves half a file.
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, self.path)
