"""The user's settings: one model, read from `config.toml` in the user config directory and from
`TUI_APP_*` environment variables (which win). A bad file never stops the app: a field that is
wrong is ignored (its default is used, the rest of the file still applies), and the app says which
file, line and field to fix.

The settings are plain dataclasses. A file whose values are all plainly right is read as it is
(`plain_settings.py`); the full check (`settings_schema.py`, pydantic with pydantic-settings) is
imported only for anything else, or a `TUI_APP_*` variable that sets a value, so a start with
neither paints its first screen without loading pydantic (issue 16)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from tui_app.settings.plain_settings import plainly_right
from tui_app.settings.settings_values import ENV_PREFIX, SETTING_NAMES, Budget, Settings

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["ENV_PREFIX", "Budget", "LoadedSettings", "Settings", "config_path", "load_settings", "problems_of", "validated"]

CONFIG_FILE_NAME = "config.toml"


@dataclass(slots=True)
class LoadedSettings:
    """The settings in force, where they came from, and what was wrong with the file."""

    settings: Settings
    path: Path
    problems: list[str] = field(default_factory=list)
    ignored: list[tuple[str, ...]] = field(default_factory=list)
    """The fields that were wrong and are not in force (their defaults are): a path in the file,
    or ("environment", variable)."""

    @property
    def file_exists(self) -> bool:
        return self.path.is_file()


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    """`TUI_APP_CONFIG` or `config.toml` in the platform's user config directory."""
    chosen = env.get("TUI_APP_CONFIG")
    return Path(chosen).expanduser() if chosen else platformdirs.user_config_path("tui-app") / CONFIG_FILE_NAME


def load_settings(path: Path | None = None, env: Mapping[str, str] = os.environ) -> LoadedSettings:
    path = path or config_path(env)
    problems: list[str] = []
    text = ""
    data: dict[str, Any] = {}
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}: cannot be read ({error.__class__.__name__}); using defaults")
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{path}: not valid TOML: {error}; using defaults")
    environ = {k: v for k, v in env.items() if k.startswith(ENV_PREFIX)}
    if not any(map(names_a_setting, environ)) and (plain := plainly_right(data)) is not None:
        return LoadedSettings(plain, path, problems)  # no file, or every value plainly right
    from tui_app.settings.settings_schema import checked

    settings, ignored = checked(path, text, data, environ, problems)
    return LoadedSettings(settings, path, problems, ignored)


def names_a_setting(variable: str) -> bool:
    """Whether pydantic-settings would read `variable` (case-insensitive, `__` into a table);
    `TUI_APP_DATA_DIR` and `TUI_APP_CONFIG` are not settings of the file."""
    rest = variable.lower().removeprefix(ENV_PREFIX.lower())
    return any(rest == name or rest.startswith(name + "__") for name in SETTING_NAMES)


def validated(data: Mapping[str, Any]) -> Settings:
    """`data` as settings, ignoring the environment (for a form the user just filled in).
    Raises pydantic's `ValidationError`."""
    from tui_app.settings.settings_schema import validated as checked_form

    return checked_form(data)


def problems_of(error: ValidationError) -> list[str]:
    """One short line per wrong field, for a form."""
    from tui_app.settings.settings_schema import problems_of as said

    return said(error)
