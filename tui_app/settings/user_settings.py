"""The user's settings: one model, read from `config.toml` in the user config directory and from
`TUI_APP_*` environment variables (which win). A bad file never stops the app: a field that is
wrong is ignored (its default is used, the rest of the file still applies), and the app says which
file, line and field to fix."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tui_app.backends.registry import known_backend

CONFIG_FILE_NAME = "config.toml"
ENV_PREFIX = "TUI_APP_"


class Budget(BaseModel):
    """Spending limits in dollars; a send that would start past one asks first."""

    model_config = ConfigDict(extra="forbid")

    session_usd: Decimal | None = Field(default=None, gt=0, description="limit for one session")
    overall_usd: Decimal | None = Field(default=None, gt=0, description="limit across all sessions")
    warn_ratio: float = Field(default=0.8, gt=0, le=1, description="warn once spending passes this share of a limit")
    on_limit: Literal["warn", "stop"] = Field(
        default="warn",
        description="at a limit: warn (the next send asks first) or stop (also cancel the running turn)",
    )

    @property
    def session_micros(self) -> int | None:
        return _micros(self.session_usd)

    @property
    def overall_micros(self) -> int | None:
        return _micros(self.overall_usd)


def _micros(dollars: Decimal | None) -> int | None:
    return None if dollars is None else int(dollars * 1_000_000)


def _written_like_keys(spec: str) -> str:
    if not spec.strip() or any(not part.strip() for part in spec.split(",")):
        raise ValueError("needs one key or several separated by commas")
    return spec


class Settings(BaseSettings):
    """Everything a user can set. Field names are the keys of `config.toml`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    backend: Annotated[str, AfterValidator(known_backend)] | None = Field(
        default=None, description="backend when --backend is not given (default: chosen from the keys found)"
    )
    model: str | None = Field(default=None, description="model for new sessions (default: the service's)")
    idle_timeout_s: int | None = Field(
        default=None, ge=60, description="seconds a session may sit idle before the service snapshots it"
    )
    theme: str = Field(default="tui-app-dark", description="theme at start, unless one was picked in the app")
    frame_rate: int = Field(default=30, ge=1, le=120, description="transcript repaints per second while streaming")
    notifications: bool = Field(default=True, description="notify when a background session asks or finishes")
    bell: bool = Field(default=True, description="ring the terminal bell when a background session asks")
    budget: Budget = Field(default_factory=Budget)
    max_frame_mib: int = Field(
        default=4, ge=1, le=1024, description="largest stream line or frame (MiB) a service may send before it is cut"
    )
    stall_timeout_s: float = Field(
        default=30.0,
        ge=1,
        le=3600,
        description="seconds a stream may stay silent (no frame, no heartbeat) before it is resumed; "
        "twice the embedded server's 15 s heartbeat",
    )
    max_attachment_kib: int = Field(
        default=128,
        ge=1,
        le=16 * 1024,
        description="largest local file (KiB) a message may attach with @path or `ask --file`; "
        "twice the default would pass the embedded server's 256 K-character message limit",
    )
    # One wrong binding is reported (and ignored) on its own: its id is the error's location.
    keys: dict[str, Annotated[str, AfterValidator(_written_like_keys)]] = Field(
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
    ignored: list[tuple[str, ...]] = []
    # Each round drops every field the last one found wrong, so this ends; the bound is a guard.
    for _ in range(_MAX_ROUNDS):
        try:
            return LoadedSettings(_build(data, environ), path, problems, ignored)
        except ValidationError as error:
            dropped = _drop_wrong_fields(error, path, text, data, environ)
        problems.extend(message for _, message in dropped)
        ignored.extend(location for location, _ in dropped)
        if not dropped:
            break
    return LoadedSettings(_build({}, {}), path, problems, ignored)


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
        line = _line_of(text, list(found))
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


def _build(data: dict[str, Any], environ: Mapping[str, str]) -> Settings:
    saved = dict(os.environ)
    # pydantic-settings reads os.environ; swap in the chosen mapping for the duration.
    os.environ.clear()
    os.environ.update(environ)
    try:
        return Settings(**data)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _line_of(text: str, location: list[str]) -> int | None:
    """The line that sets `location` (or the closest enclosing key), following `[table]` headers."""
    best: tuple[int, int] | None = None
    current_table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", stripped)
        if header:
            current_table = [part.strip().strip('"') for part in header.group(1).split(".")]
            dotted = current_table
        elif match := re.match(r"([^=#]+?)\s*=", stripped):
            dotted = current_table + [part.strip().strip('"') for part in match.group(1).split(".")]
        else:
            continue
        shared = len(dotted) if location[: len(dotted)] == dotted else 0
        if shared and (best is None or shared > best[0]):
            best = (shared, number)
    return best[1] if best else None


def validated(data: Mapping[str, Any]) -> Settings:
    """`data` as settings, ignoring the environment (for a form the user just filled in).
    Raises `ValidationError`."""
    return _build(dict(data), {})


def problems_of(error: ValidationError) -> list[str]:
    """One short line per wrong field, for a form."""
    return [f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}" for problem in error.errors()]
