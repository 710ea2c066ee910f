"""`tui-app login SERVICE` and `tui-app logout SERVICE`: keys in the OS keyring, for every backend
of the registry that needs one.

The key is read without echo (or from stdin for scripts), checked against the service, and only
then stored. It is never printed: messages name the backend and the keyring, not the key.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from tui_app.settings import api_keys as keys
from tui_app.backends import registry
from tui_app.backends.api_key import ApiKey
from tui_app.backends.errors import BackendError
from tui_app.backends.registry import BackendSpec


def keyed_names() -> tuple[str, ...]:
    """The backends `login` can keep a key for: those that need one."""
    return tuple(name for name in registry.names() if registry.spec(name).needs_key)


def _labels() -> str:
    return " or ".join(registry.spec(name).label for name in keyed_names())


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    login = commands.add_parser(
        "login", help=f"check a {_labels()} key against the service and keep it in the OS keyring"
    )
    login.add_argument("service", choices=keyed_names(), help="which service the key is for")
    login.add_argument("--key-stdin", action="store_true", help="read the key from standard input (for scripts)")
    login.add_argument(
        "--base-url",
        help="the service to check the key against (default: "
        + " / ".join(f"${registry.spec(name).url_variable}" for name in keyed_names())
        + " or the public service)",
    )
    login.add_argument("--no-check", action="store_true", help="store the key without checking it (offline)")
    logout = commands.add_parser("logout", help=f"remove a {_labels()} key from the OS keyring")
    logout.add_argument("service", choices=keyed_names(), help="which service's key to remove")


def _read_key(args: argparse.Namespace) -> str | None:
    if args.key_stdin:
        return sys.stdin.readline().strip() or None
    if not sys.stdin.isatty():
        print("tui-app login: no terminal to ask on; pipe the key in with --key-stdin.", file=sys.stderr)
        return None
    import getpass  # (only `login` asks: not imported on the app's way to its first screen)

    return getpass.getpass(f"{registry.spec(args.service).label} API key (not shown): ").strip() or None


def _url(spec: BackendSpec, given: str | None) -> str | None:
    return given or (os.environ.get(spec.url_variable) if spec.url_variable else None) or spec.default_url


def login(args: argparse.Namespace) -> int:
    spec = registry.spec(args.service)
    variable = spec.key_variable
    status = keys.status()
    if not status.usable:
        # Said before asking for the key, so nobody types a key for nothing.
        print(
            f"tui-app login: cannot keep keys here: {status.reason}.\n"
            f"Set {variable} in the environment instead; tui-app reads keys from the environment first.",
            file=sys.stderr,
        )
        return 2
    key = _read_key(args)
    if key is None:
        print("tui-app login: no key given; nothing stored.", file=sys.stderr)
        return 2
    url = _url(spec, args.base_url)
    if not args.no_check:
        if url is None:
            print(f"tui-app login: {spec.label} has no public address: give one with --base-url.", file=sys.stderr)
            return 2
        try:
            asyncio.run(spec.check_key(url, ApiKey(key)))
        except BackendError as error:
            print(f"tui-app login: the key was not stored: {error.message}", file=sys.stderr)
            return 1
        print(f"{spec.label} at {url} accepted the key.")
    where = store(args.service, key)
    if where is None:
        return 2
    print(f"Stored in the keyring ({where}). tui-app uses it when {variable} is not set.")
    if variable and os.environ.get(variable):
        print(f"Note: {variable} is set in this environment, and is used first.")
    return 0


def store(service: str, key: str) -> str | None:
    try:
        return keys.store_key(service, key)
    except keys.KeyringUnavailable as error:
        print(f"tui-app login: {error}", file=sys.stderr)
        return None


def logout(args: argparse.Namespace) -> int:
    spec = registry.spec(args.service)
    try:
        removed = keys.delete_key(args.service)
    except keys.KeyringUnavailable as error:
        print(f"tui-app logout: {error} Nothing to remove.", file=sys.stderr)
        return 2
    if removed:
        print(f"Removed the {spec.label} key from the keyring.")
    else:
        print(f"No {spec.label} key was in the keyring.")
    variable = spec.key_variable
    if variable and os.environ.get(variable):
        print(f"Note: {variable} is still set in this environment, and is used first.")
    return 0
