"""Settings: which backend to talk to, where, with which key (from the environment, then the
keyring that `tui-app login` fills)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from tui_app.backends import registry
from tui_app.backends.api_key import ApiKey

__all__ = [
    "ApiKey",
    "ConfigError",
    "KeyLookup",
    "MissingKey",
    "RemoteSettings",
    "choice_asks_keyring",
    "choose_backend",
    "data_dir",
    "key_source",
    "key_variables",
    "keyring_names",
    "remote_settings",
]


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


class MissingKey(ConfigError):
    """A remote backend was chosen, and no key for it was found."""


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    """Where a remote (or standalone local) Case.dev-compatible service is."""

    backend: str
    """A name in the backend registry."""
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
) -> str:
    """`--backend` wins, then the settings' `backend`; otherwise the first remote backend whose
    key is in the environment, then the first whose key is in the keyring (in the registry's
    order); otherwise the backend that needs no key (the local server)."""
    for chosen in (requested, configured):
        if chosen is not None:
            try:
                return registry.known_backend(chosen)
            except registry.UnknownBackend as error:
                raise ConfigError(f"{error}.") from None
    keyed = [registry.spec(name) for name in registry.remote_names()]
    for spec in keyed:
        if spec.key_variable and env.get(spec.key_variable):
            return spec.name
    for spec in keyed:
        if spec.needs_key and stored(spec.name):
            return spec.name
    return registry.fallback().name


def key_source(backend: str, env: Mapping[str, str] = os.environ, stored: KeyLookup = _no_stored_keys) -> tuple[str, str] | None:
    """The key for `backend` and where it came from: the environment first, then the keyring."""
    variable = registry.spec(backend).key_variable
    if variable and (key := env.get(variable)):
        return key, f"environment variable {variable}"
    if key := stored(backend):
        return key, "keyring (tui-app login)"
    return None


def keyring_names(env: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """The backends whose key the keyring may be asked for: those that need one and whose key
    is not in the environment (which wins)."""
    return tuple(
        spec.name
        for spec in map(registry.spec, registry.remote_names())
        if spec.needs_key and not (spec.key_variable and env.get(spec.key_variable))
    )


def choice_asks_keyring(requested: str | None, env: Mapping[str, str] = os.environ) -> bool:
    """Whether `choose_backend` may ask the keyring (unless the settings name a backend): no
    backend requested and no remote backend's key in the environment."""
    return requested is None and len(keyring_names(env)) == sum(registry.spec(name).needs_key for name in registry.remote_names())


def key_variables() -> tuple[str, ...]:
    """The environment variables that may hold a backend's key."""
    return tuple(variable for name in registry.names() if (variable := registry.spec(name).key_variable))


def remote_settings(
    backend: str,
    base_url: str | None,
    env: Mapping[str, str] = os.environ,
    stored: KeyLookup = _no_stored_keys,
) -> RemoteSettings:
    """Base URL and key of a remote backend, from `--base-url`, the environment and the keyring."""
    spec = registry.spec(backend)
    found = key_source(backend, env, stored)
    if found is None and spec.needs_key:
        raise MissingKey(
            f"The {backend} backend needs a key: run `tui-app login {backend}`, or set {spec.key_variable} in the environment."
        )
    url = base_url or (env.get(spec.url_variable) if spec.url_variable else None) or spec.default_url
    if url is None:
        raise ConfigError(f"The {backend} backend has no default address: give one with --base-url.")
    return RemoteSettings(backend, url, ApiKey(found[0] if found else ""))


def data_dir(override: str | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """Where the session store lives: `--data-dir`, `TUI_APP_DATA_DIR`, or the platform's
    user data directory."""
    chosen = override or env.get("TUI_APP_DATA_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_data_path("tui-app")
