"""Choices the user made in the app that should outlive it (the theme), kept apart from
config.toml, which is the user's file and is never rewritten without asking."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

FILE_NAME = "ui-state.json"


@dataclass(slots=True)
class Remembered:
    path: Path | None = None
    theme: str | None = None
    problems: list[str] = field(default_factory=list)

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
        theme = data.get("theme") if isinstance(data, dict) else None
        return cls(path, theme if isinstance(theme, str) else None)

    def save(self) -> None:
        if self.path is None:
            return
        state = {key: value for key, value in asdict(self).items() if key not in ("path", "problems")}
        # Written whole then renamed, so a crash never leaves half a file.
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, self.path)
