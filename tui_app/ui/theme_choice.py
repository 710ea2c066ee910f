"""Which theme the app starts with."""

from __future__ import annotations

from collections.abc import Container

from tui_app.ui.themes import DEFAULT_THEME


def starting_theme(available: Container[str], remembered: str | None, configured: str | None) -> tuple[str, list[str]]:
    """The theme last picked in the app, else the config file's, else ours; and what was wrong."""
    problems = []
    for source, name in (("ui-state.json", remembered), ("config.toml", configured)):
        if name is None:
            continue
        if name in available:
            return name, problems
        problems.append(f"theme {name!r} from {source} is not installed; using {DEFAULT_THEME}")
    return DEFAULT_THEME, problems
