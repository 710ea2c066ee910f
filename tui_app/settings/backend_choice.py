"""Settings: which backend to talk to, where, with which key (from the environment, then the
keyring that `tui-app login` fills)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
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


class MissingKey(ConfigError):
    """A remote backend was chosen, and no key for it was found."""


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    """Where a remote (or standalone local) Case.dev-compatible service is."""

    backend: BackendName
    base_url: str
    api_key: ApiKey


KeyLookup = Callable[[str], str | None]
"""The key kept for a backend outside the environment (the keyring), or None."""


def _no_stored_keys(backend: str) -> str | None:
    return None


def choose_backend(
    requested: str | None,
    env: Mapping[str, str] = os.environ,
    configured: str | None = None,
    stored: KeyLookup = _no_stored_keys,
) -> BackendName:
    """`--backend` wins, then the settings' `backend`; otherwise a Case.dev key selects casedev,
    a Stewrd key stewrd (the environment first, then the keyring); otherwise the local server."""
    for chosen in (requested, configured):
        if chosen is not None:
            if chosen not in BACKENDS:
                raise ConfigError(f"Unknown backend {chosen!r}: choose one of {', '.join(BACKENDS)}.")
            return chosen  # type: ignore[return-value]
    if env.get("CASEDEV_API_KEY"):
        return "casedev"
    if env.get("STEWRD_API_KEY"):
        return "stewrd"
    for backend in ("casedev", "stewrd"):
        if stored(backend):
            return backend  # type: ignore[return-value]
    return "local"


def key_source(backend: str, env: Mapping[str, str] = os.environ, stored: KeyLookup = _no_stored_keys) -> tuple[str, str] | None:
    """The key for `backend` and where it came from: the environment first, then the keyring."""
    variable = f"{ENV_PREFIX[backend]}_API_KEY"
    if key := env.get(variable):
        return key, f"environment variable {variable}"
    if key := stored(backend):
        return key, "keyring (tui-app login)"
    return None


def remote_settings(
    backend: BackendName,
    base_url: str | None,
    env: Mapping[str, str] = os.environ,
    stored: KeyLookup = _no_stored_keys,
) -> RemoteSettings:
    """Base URL and key of a remote backend, from `--base-url`, the environment and the keyring."""
    prefix = ENV_PREFIX[backend]
    found = key_source(backend, env, stored)
    if found is None:
        raise MissingKey(
            f"The {backend} backend needs a key: run `tui-app login {backend}`, or set {prefix}_API_KEY in the environment."
        )
    url = base_url or env.get(f"{prefix}_BASE_URL") or DEFAULT_URLS[backend]
    return RemoteSettings(backend, url, ApiKey(found[0]))


def data_dir(override: str | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """Where the session store lives: `--data-dir`, `TUI_APP_DATA_DIR`, or the platform's
    user data directory."""
    chosen = override or env.get("TUI_APP_DATA_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_data_path("tui-app")
