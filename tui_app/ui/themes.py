"""Load the theme files shipped in `themes/` as Textual themes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.theme import Theme

DEFAULT_THEME = "tui-app-dark"


def theme_dirs() -> list[Path]:
    package = Path(__file__).resolve().parent.parent
    # An installed wheel carries them inside the package; a source checkout keeps them at the top.
    return [path for path in (package / "_themes", package.parent / "themes") if path.is_dir()]


def load_themes(directories: list[Path] | None = None) -> list[Theme]:
    themes: dict[str, Theme] = {}
    for directory in directories if directories is not None else theme_dirs():
        for path in sorted(directory.glob("*.toml")):
            with path.open("rb") as file:
                fields = tomllib.load(file)
            themes.setdefault(fields["name"], Theme(**fields))
    return list(themes.values())
