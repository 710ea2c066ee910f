"""API keys in the OS keyring (`tui-app login`), behind one rule: never a plain file silently.

`keyring` picks the best backend it finds. On a headless box that is the fail backend (nothing
can be stored), or, when the `keyrings.alt` package happens to be installed, a file that holds
the key in the clear. Neither is used unless the user chose it: a backend that is not a real
keystore counts only when it was named explicitly (`PYTHON_KEYRING_BACKEND` or keyring's own
config file), and then we say where the key goes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring is imported where it is used: with `--backend` given (or a key in the environment) the
# app starts without asking it, and it costs a good part of the time to a first screen (issue 16).

SERVICE = "tui-app"
"""The keyring service name; the username is the backend's name (`casedev`, `stewrd`)."""

# Real OS keystores (Secret Service, macOS Keychain, Windows Credential Locker, KWallet) declare
# a priority of at least 1; keyring's fail and null backends and keyrings.alt's file backends
# declare less.
TRUSTED_PRIORITY = 1.0


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    """Whether keys can be kept in a keyring here, and which, in words a person can act on."""

    usable: bool
    name: str
    """The backend's class, e.g. `keyring.backends.SecretService.Keyring`."""
    reason: str
    """Why it cannot be used (empty when it can), or a note about where keys go."""


def _describe(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _explicitly_chosen(env: Mapping[str, str]) -> bool:
    if env.get("PYTHON_KEYRING_BACKEND"):
        return True
    import keyring.core

    try:
        # keyring's own config file (keyringrc.cfg) naming a backend is a choice too.
        return keyring.core.load_config() is not None
    except Exception:  # noqa: BLE001 -- a broken keyringrc.cfg is keyring's problem, and no choice
        return False


def status(backend: KeyringBackend | None = None, env: Mapping[str, str] = os.environ) -> KeyringStatus:
    """Classify the keyring backend in force (or `backend`)."""
    import keyring
    from keyring.backends import chainer, fail

    backend = backend or keyring.get_keyring()
    primary = backend
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return KeyringStatus(False, _describe(backend), "no keyring backend is available on this system")
        primary = chained[0]
    name = _describe(primary)
    if isinstance(primary, fail.Keyring) or primary.priority <= 0:
        return KeyringStatus(False, name, "no keyring backend is available on this system (a headless box?)")
    if primary.priority < TRUSTED_PRIORITY and not _explicitly_chosen(env):
        return KeyringStatus(
            False,
            name,
            f"the only keyring found, {name}, is not an OS keystore (it may keep keys in a plain file); "
            f"set PYTHON_KEYRING_BACKEND={name} to use it anyway",
        )
    note = "" if primary.priority >= TRUSTED_PRIORITY else f"chosen explicitly; keys go to {_location(primary)}"
    return KeyringStatus(True, name, note)


def _location(backend: KeyringBackend) -> str:
    path = getattr(backend, "file_path", None)
    return str(path) if path else "that backend"


class KeyringUnavailable(Exception):
    """No keyring can be used here; the message says why and what to do instead."""


def _usable_backend() -> KeyringBackend:
    found = status()
    if not found.usable:
        raise KeyringUnavailable(f"Cannot use a keyring: {found.reason}.")
    import keyring

    return keyring.get_keyring()


def stored_key(backend_name: str) -> str | None:
    """The key kept for `backend_name`, or None when there is none or no usable keyring."""
    import keyring.errors

    try:
        return _usable_backend().get_password(SERVICE, backend_name) or None
    except (KeyringUnavailable, keyring.errors.KeyringError):
        return None


def store_key(backend_name: str, key: str) -> str:
    """Keep `key` for `backend_name`; returns the backend's name. Raises `KeyringUnavailable`."""
    import keyring.errors

    backend = _usable_backend()
    try:
        backend.set_password(SERVICE, backend_name, key)
    except keyring.errors.KeyringError as error:
        # The type only: a backend's message might quote what it was given.
        raise KeyringUnavailable(f"The keyring {_describe(backend)} refused to store the key ({type(error).__name__}).") from None
    return _describe(backend)


def delete_key(backend_name: str) -> bool:
    """Remove the key kept for `backend_name`; False when there was none."""
    import keyring.errors

    backend = _usable_backend()
    try:
        backend.delete_password(SERVICE, backend_name)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def mask(key: str) -> str:
    """What may be shown of a key: that it is set, its length, and at most its last 4 characters."""
    tail = key[-4:] if len(key) >= 20 else ""
    return f"****{tail} ({len(key)} characters)"
