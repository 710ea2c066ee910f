"""Load theme files as Textual themes: ours from `themes/`, the user's from the config
directory's `themes/` (a user theme may replace one of ours by using its name)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.theme import Theme

DEFAULT_THEME = "tui-app-dark"


def theme_dirs() -> list[Path]:
    package = Path(__file__).resolve().parent.parent
    # An installed wheel carries them inside the package; a source checkout keeps them at the top.
    return [path for path in (package / "_themes", package.parent / "themes") if path.is_dir()]


@dataclass(slots=True)
class LoadedThemes:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_themes(directories: list[Path] | None = None) -> LoadedThemes:
    """Every `*.toml` theme in `directories`, later directories overriding earlier ones by name.
    A broken file is reported and skipped, never fatal."""
    loaded: dict[str, Theme] = {}
    problems: list[str] = []
    for directory in directories if directories is not None else theme_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                with path.open("rb") as file:
                    fields = tomllib.load(file)
                theme = Theme(**fields)
            except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as error:
                problems.append(f"theme {path} skipped: {error}")
                continue
            loaded[theme.name] = theme
    return LoadedThemes(list(loaded.values()), problems)
