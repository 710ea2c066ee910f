"""The settings' validation: pydantic models of `config.toml` and the `TUI_APP_*` variables,
imported only when there is something to validate (a file with values, a variable that names a
setting, a form the user filled in), so that a start with neither never loads pydantic. What is
wrong is dropped field by field; the rest still applies. The result is the plain
`settings_values.Settings` the app uses."""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tui_app.backends.registry import known_backend
from tui_app.settings.file_lines import line_of
from tui_app.settings.settings_values import ENV_PREFIX, Budget, Settings, written_like_keys

# The defaults live in the dataclasses alone, so the two can never disagree.
_SETTINGS, _BUDGET = Settings(), Budget()


class BudgetModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_usd: Decimal | None = Field(default=_BUDGET.session_usd, gt=0, description="limit for one session")
    overall_usd: Decimal | None = Field(default=_BUDGET.overall_usd, gt=0, description="limit across all sessions")
    warn_ratio: float = Field(
        default=_BUDGET.warn_ratio, gt=0, le=1, description="warn once spending passes this share of a limit"
    )
    on_limit: Literal["warn", "stop"] = Field(
        default=_BUDGET.on_limit,
        description="at a limit: warn (the next send asks first) or stop (also cancel the running turn)",
    )


class SettingsModel(BaseSettings):
    """Everything a user can set. Field names are the keys of `config.toml`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    backend: Annotated[str, AfterValidator(known_backend)] | None = Field(
        default=_SETTINGS.backend,
        description="backend when --backend is not given (default: chosen from the keys found)",
    )
    model: str | None = Field(default=_SETTINGS.model, description="model for new sessions (default: the service's)")
    idle_timeout_s: int | None = Field(
        default=_SETTINGS.idle_timeout_s,
        ge=60,
        description="seconds a session may sit idle before the service snapshots it",
    )
    theme: str = Field(default=_SETTINGS.theme, description="theme at start, unless one was picked in the app")
    frame_rate: int = Field(
        default=_SETTINGS.frame_rate, ge=1, le=120, description="transcript repaints per second while streaming"
    )
    notifications: bool = Field(
        default=_SETTINGS.notifications, description="notify when a background session asks or finishes"
    )
    bell: bool = Field(default=_SETTINGS.bell, description="ring the terminal bell when a background session asks")
    budget: BudgetModel = Field(default_factory=BudgetModel)
    max_frame_mib: int = Field(
        default=_SETTINGS.max_frame_mib,
        ge=1,
        le=1024,
        description="largest stream line or frame (MiB) a service may send before it is cut",
    )
    stall_timeout_s: float = Field(
        default=_SETTINGS.stall_timeout_s,
        ge=1,
        le=3600,
        description="seconds a stream may stay silent (no frame, no heartbeat) before it is resumed; "
        "twice the embedded server's 15 s heartbeat",
    )
    max_attachment_kib: int = Field(
        default=_SETTINGS.max_attachment_kib,
        ge=1,
        le=16 * 1024,
        description="largest local file (KiB) a message may attach with @path or `ask --file`; "
        "twice the default would pass the embedded server's 256 K-character message limit",
    )
    # One wrong binding is reported (and ignored) on its own: its id is the error's location.
    keys: dict[str, Annotated[str, AfterValidator(written_like_keys)]] = Field(
        default_factory=dict, description="binding id = key(s), e.g. \"new-session\" = \"ctrl+n,f6\""
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init arguments; the environment overrides them.
        return env_settings, init_settings


def settings_of(model: SettingsModel) -> Settings:
    values = {name: getattr(model, name) for name in SettingsModel.model_fields if name != "budget"}
    return Settings(**values, budget=Budget(**model.budget.model_dump()))


def checked(
    path: Path, text: str, data: dict[str, Any], environ: dict[str, str], problems: list[str]
) -> tuple[Settings, list[tuple[str, ...]]]:
    """The settings from `data` (the file's) and `environ` (the `TUI_APP_*` variables), each wrong
    field dropped and said in `problems`; with the fields that were dropped."""
    ignored: list[tuple[str, ...]] = []
    # Each round drops every field the last one found wrong, so this ends; the bound is a guard.
    for _ in range(_MAX_ROUNDS):
        try:
            return settings_of(_build(data, environ)), ignored
        except ValidationError as error:
            dropped = _drop_wrong_fields(error, path, text, data, environ)
        problems.extend(message for _, message in dropped)
        ignored.extend(location for location, _ in dropped)
        if not dropped:
            break
    return settings_of(_build({}, {})), ignored


_MAX_ROUNDS = 8


def _drop_wrong_fields(
    error: ValidationError, path: Path, text: str, data: dict[str, Any], environ: dict[str, str]
) -> list[tuple[tuple[str, ...], str]]:
    """Remove each wrong field from `data` (or its variable from `environ`); returns where each
    was (("environment", name) for a variable) with the sentence that says so."""
    dropped: list[tuple[tuple[str, ...], str]] = []
    for problem in error.errors():
        location = tuple(str(part) for part in problem["loc"])
        said = problem["msg"].removeprefix("Value error, ")
        env_name = _env_variable(location, environ)
        if env_name is not None:
            del environ[env_name]
            dotted = ".".join(location)
            dropped.append((("environment", env_name), f"environment variable {env_name}: {dotted}: {said}; ignored"))
            continue
        found = _remove(data, location)
        if found is None:
            continue
        line = line_of(text, list(found))
        where = f"{path}, line {line}" if line else str(path)
        dropped.append((found, f"{where}: {'.'.join(found)}: {said}; ignored, the default applies"))
    return dropped


def _env_variable(location: tuple[str, ...], environ: Mapping[str, str]) -> str | None:
    """The `TUI_APP_*` variable that set `location` (or a table holding it), if one did."""
    for end in range(len(location), 0, -1):
        name = ENV_PREFIX + "__".join(location[:end]).upper()
        if name in environ:
            return name
    return None


def _remove(data: dict[str, Any], location: tuple[str, ...]) -> tuple[str, ...] | None:
    """Delete the deepest part of `location` that `data` holds; returns its path."""
    node: Any = data
    path: list[str] = []
    for part in location:
        if not isinstance(node, dict) or part not in node:
            break
        parent, node = node, node[part]
        path.append(part)
    if not path:
        return None
    del parent[path[-1]]
    return tuple(path)


def _build(data: dict[str, Any], environ: Mapping[str, str]) -> SettingsModel:
    saved = dict(os.environ)
    # pydantic-settings reads os.environ; swap in the chosen mapping for the duration.
    os.environ.clear()
    os.environ.update(environ)
    try:
        return SettingsModel(**data)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def validated(data: Mapping[str, Any]) -> Settings:
    """`data` as settings, ignoring the environment (for a form the user just filled in).
    Raises `ValidationError`."""
    return settings_of(_build(dict(data), {}))


def problems_of(error: ValidationError) -> list[str]:
    """One short line per wrong field, for a form."""
    return [f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}" for problem in error.errors()]
