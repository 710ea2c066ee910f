"""Settings: which backend to talk to, where, with which key (from the environment)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs

BackendName = Literal["local", "casedev", "stewrd"]
BACKENDS: tuple[BackendName, ...] = ("local", "casedev", "stewrd")
DEFAULT_URLS = {"casedev": "https://api.case.dev", "stewrd": "https://api.stewrd.dev"}
ENV_PREFIX = {"casedev": "CASEDEV", "stewrd": "STEWRD"}


class ApiKey:
    """A key that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "ApiKey('****')"

    __str__ = __repr__


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    """Where a remote (or standalone local) Case.dev-compatible service is."""

    backend: BackendName
    base_url: str
    api_key: ApiKey


def choose_backend(requested: str | None, env: Mapping[str, str] = os.environ) -> BackendName:
    """`--backend` wins; otherwise a Case.dev key selects casedev, a Stewrd key stewrd; otherwise
    the local server."""
    if requested is not None:
        if requested not in BACKENDS:
            raise ConfigError(f"Unknown backend {requested!r}: choose one of {', '.join(BACKENDS)}.")
        return requested  # type: ignore[return-value]
    if env.get("CASEDEV_API_KEY"):
        return "casedev"
    return "stewrd" if env.get("STEWRD_API_KEY") else "local"


def remote_settings(backend: BackendName, base_url: str | None, env: Mapping[str, str] = os.environ) -> RemoteSettings:
    """Base URL and key of a remote backend, from `--base-url` and the environment."""
    prefix = ENV_PREFIX[backend]
    key = env.get(f"{prefix}_API_KEY")
    if not key:
        raise ConfigError(f"The {backend} backend needs {prefix}_API_KEY in the environment.")
    url = base_url or env.get(f"{prefix}_BASE_URL") or DEFAULT_URLS[backend]
    return RemoteSettings(backend, url, ApiKey(key))


def data_dir(override: str | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """Where the session store lives: `--data-dir`, `TUI_APP_DATA_DIR`, or the platform's
    user data directory."""
    chosen = override or env.get("TUI_APP_DATA_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_data_path("tui-app")
