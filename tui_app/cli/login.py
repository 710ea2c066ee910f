"""`tui-app login casedev|stewrd` and `tui-app logout casedev|stewrd`: keys in the OS keyring.

The key is read without echo (or from stdin for scripts), checked against the service, and only
then stored. It is never printed: messages name the backend and the keyring, not the key.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from tui_app.settings import api_keys as keys
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.errors import BackendError
from tui_app.backends.http_backend import HttpBackend
from tui_app.backends.stewrd import StewrdBackend
from tui_app.settings.backend_choice import DEFAULT_URLS, ENV_PREFIX, ApiKey

SERVICES = {"casedev": "Case.dev", "stewrd": "Stewrd"}


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    login = commands.add_parser(
        "login", help="check a Case.dev or Stewrd key against the service and keep it in the OS keyring"
    )
    login.add_argument("service", choices=tuple(SERVICES), help="which service the key is for")
    login.add_argument("--key-stdin", action="store_true", help="read the key from standard input (for scripts)")
    login.add_argument(
        "--base-url",
        help="the service to check the key against (default: $CASEDEV_BASE_URL / $STEWRD_BASE_URL or the public service)",
    )
    login.add_argument("--no-check", action="store_true", help="store the key without checking it (offline)")
    logout = commands.add_parser("logout", help="remove a Case.dev or Stewrd key from the OS keyring")
    logout.add_argument("service", choices=tuple(SERVICES), help="which service's key to remove")


def _read_key(args: argparse.Namespace) -> str | None:
    if args.key_stdin:
        return sys.stdin.readline().strip() or None
    if not sys.stdin.isatty():
        print("tui-app login: no terminal to ask on; pipe the key in with --key-stdin.", file=sys.stderr)
        return None
    return getpass.getpass(f"{SERVICES[args.service]} API key (not shown): ").strip() or None


async def _check(backend: HttpBackend) -> None:
    try:
        await backend.check_key()
    finally:
        await backend.aclose()


def login(args: argparse.Namespace) -> int:
    status = keys.status()
    if not status.usable:
        # Said before asking for the key, so nobody types a key for nothing.
        variable = f"{ENV_PREFIX[args.service]}_API_KEY"
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
    url = args.base_url or os.environ.get(f"{ENV_PREFIX[args.service]}_BASE_URL") or DEFAULT_URLS[args.service]
    if not args.no_check:
        kind = CasedevBackend if args.service == "casedev" else StewrdBackend
        try:
            asyncio.run(_check(kind(url, ApiKey(key))))
        except BackendError as error:
            print(f"tui-app login: the key was not stored: {error.message}", file=sys.stderr)
            return 1
        print(f"{SERVICES[args.service]} at {url} accepted the key.")
    where = store(args.service, key)
    if where is None:
        return 2
    variable = f"{ENV_PREFIX[args.service]}_API_KEY"
    print(f"Stored in the keyring ({where}). tui-app uses it when {variable} is not set.")
    if os.environ.get(variable):
        print(f"Note: {variable} is set in this environment, and is used first.")
    return 0


def store(service: str, key: str) -> str | None:
    try:
        return keys.store_key(service, key)
    except keys.KeyringUnavailable as error:
        print(f"tui-app login: {error}", file=sys.stderr)
        return None


def logout(args: argparse.Namespace) -> int:
    try:
        removed = keys.delete_key(args.service)
    except keys.KeyringUnavailable as error:
        print(f"tui-app logout: {error} Nothing to remove.", file=sys.stderr)
        return 2
    if removed:
        print(f"Removed the {SERVICES[args.service]} key from the keyring.")
    else:
        print(f"No {SERVICES[args.service]} key was in the keyring.")
    variable = f"{ENV_PREFIX[args.service]}_API_KEY"
    if os.environ.get(variable):
        print(f"Note: {variable} is still set in this environment, and is used first.")
    return 0
