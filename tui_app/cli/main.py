"""Entry point: `tui-app` runs the app; `ask`, `serve` and the everyday commands in
`tui_app/commands/` are its other commands."""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from pathlib import Path

from tui_app import __version__
from tui_app.settings import api_keys as keys
from tui_app.backends.errors import BackendError
from tui_app.settings.stream_limits import stream_limits
from tui_app.cli import config_command as config_cmd, crash, files as files_cmd, history, login, usage
from tui_app.cli.logging_setup import DEFAULT_LEVEL, FILE_ONLY, LEVELS, log_file, logging_to
from tui_app.cli.pipes import reader_gone
from tui_app.cli.secret_mask import SecretMask
from tui_app.cli.ask import add_ask_arguments, run_ask
from tui_app.backends import registry
from tui_app.settings.backend_choice import (
    ConfigError, KeyLookup, MissingKey, choice_asks_keyring, choose_backend, data_dir, key_variables, keyring_names, remote_settings,
)  # fmt: skip
from tui_app.settings.keyring_child import KeyringChild
from tui_app.backends.connection import Connection
from tui_app.cli.app_runner import load_first_screen, run_app
from tui_app.cli.serve import add_serve_arguments, serve
from tui_app.settings.user_settings import LoadedSettings, load_settings
from tui_app.persistence.store_access import StoreUnavailable
from tui_app.cli.web import add_web_arguments, web
from tui_app.cli.allocator import tune_allocator
from tui_app.cli.memo_caches import MemoClearing

log = logging.getLogger("tui_app.cli")


def _backend_help() -> str:
    remotes = [registry.spec(name) for name in registry.remote_names()]
    by_key = ", ".join(
        f"{spec.name} if a {spec.label} key is" + (" found" if i == 0 else "") for i, spec in enumerate(remotes)
    )
    return (
        f"which service to talk to (default: the settings' backend; else {by_key} "
        f"(the environment first, then the keyring); else {registry.fallback().name})"
    )


def _base_url_help() -> str:
    defaults = "; ".join(
        f"${spec.url_variable} or {spec.default_url}"
        for spec in map(registry.spec, registry.remote_names())
        if spec.url_variable and spec.default_url
    )
    return f"base URL of the {' or '.join(registry.remote_names())} service (default: {defaults})"


def _backend_options(for_command: bool) -> argparse.ArgumentParser:
    # A command's copy of the options must not reset what was given before the command name.
    default: object = argparse.SUPPRESS if for_command else None
    shared = argparse.ArgumentParser(add_help=False, argument_default=default)
    group = shared.add_argument_group("backend options")
    group.add_argument("--backend", choices=registry.names(), help=_backend_help())
    group.add_argument("--base-url", help=_base_url_help())
    group.add_argument("--model", help="model for new sessions (default: the settings' model, else the service's)")
    group.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where sessions are kept (default: $TUI_APP_DATA_DIR or the platform's user data directory)",
    )
    group.add_argument(
        "--speed",
        type=float,
        default=argparse.SUPPRESS if for_command else 40.0,
        metavar="TOKENS_PER_S",
        help="pace of the local demo agent in tokens per second, 0 for as fast as possible (default: 40)",
    )
    shared.add_argument(
        "--log-level",
        choices=LEVELS,
        default=argparse.SUPPRESS if for_command else DEFAULT_LEVEL,
        help=f"how much goes to the log file (`tui-app config path` names it; default: {DEFAULT_LEVEL})",
    )
    return shared


def build_parser() -> argparse.ArgumentParser:
    shared = _backend_options(for_command=True)
    parser = argparse.ArgumentParser(
        prog="tui-app",
        description="A terminal client for persistent, multi-turn AI agent sessions that stream in real time. "
        "With no command, runs the full-screen app.",
        parents=[_backend_options(for_command=False)],
    )
    parser.add_argument("--version", action="version", version=f"tui-app {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    commands.add_parser("run", parents=[shared], help="run the full-screen app (the default)")
    ask = commands.add_parser(
        "ask", parents=[shared], help="send one message, stream the reply to stdout, print its cost, exit"
    )
    add_ask_arguments(ask)
    serve = commands.add_parser(
        "serve", help="run the embedded server in the foreground: Case.dev agent chat and Stewrd APIs on 127.0.0.1"
    )
    add_serve_arguments(serve)
    add_web_arguments(commands.add_parser("web", parents=[shared], help="serve the app in a browser on 127.0.0.1"))
    config_cmd.add_parsers(commands)
    login.add_parsers(commands)
    history.add_parsers(commands)
    usage.add_parser(commands)
    files_cmd.add_parsers(commands)
    shown = [ask, serve, *(commands.choices[name] for name in ("web", "config", "login", "logout", "sessions", "search", "export", "usage", "files"))]
    parser.epilog = "command options:\n" + "\n".join(
        "  " + sub.format_usage().removeprefix("usage: ").strip() for sub in shown
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def other_remotes(primary: str, stored: KeyLookup) -> tuple[Connection, ...]:
    """The remote backends a new session may also choose: those whose key is at hand."""
    found = []
    for name in registry.remote_names():
        if name == primary:
            continue
        try:
            settings = remote_settings(name, None, stored=stored)
        except ConfigError:
            continue
        found.append(Connection(settings.backend, settings.base_url, settings.api_key))
    return tuple(found)


def _settings() -> LoadedSettings:
    """The user's settings; what is wrong with them is said on stderr, and defaults stand in."""
    loaded = load_settings()
    for problem in loaded.problems:
        print(f"tui-app: {problem}", file=sys.stderr)
    return loaded


def _explained(error: ConfigError) -> str:
    if not isinstance(error, MissingKey):
        return str(error)
    status = keys.status()
    return str(error) if status.usable else f"{error} (No keyring here: {status.reason}.)"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # First: the keyring's child works while the app imports its first screen, when the backend
    # choice needs its answer; otherwise it is started when first asked (after the first paint).
    names = keyring_names() if args.command in (None, "run", "ask") else ()
    keyring = KeyringChild(names, drop=key_variables(), at_once=choice_asks_keyring(getattr(args, "backend", None)))
    try:
        return _main(args, keyring)
    finally:
        keyring.close()


def _main(args: argparse.Namespace, keyring: KeyringChild) -> int:
    mask = SecretMask.from_environment(os.environ)
    data_override = getattr(args, "data_dir", None)
    # While the app owns the terminal nothing but the app may write to it.
    in_terminal_app = args.command in (None, "run")
    if in_terminal_app or args.command == "serve":  # the processes that run for hours
        tune_allocator()
    if in_terminal_app:
        MemoClearing().start()
    with logging_to(log_file(data_override), args.log_level, mask, stderr=not in_terminal_app):
        try:
            crash.crash_if_asked("command")
            code = _run(args, mask, keyring)
            sys.stdout.flush()  # inside the try: a reader gone early is found here, not at exit
            return code
        except BrokenPipeError:
            return reader_gone()
        except EOFError:  # Ctrl+D at a prompt (`login`'s key, `sessions rm`'s question): not a crash
            print("\ntui-app: no input; nothing done.", file=sys.stderr)
            return 1
        except Exception as error:
            return crash.report_exception(error, _crash_directory(data_override), mask)


def _failed(message: str, code: int) -> int:
    log.error("%s (exit %d)", message, code, extra=FILE_ONLY)
    print(f"tui-app: {message}", file=sys.stderr)
    return code


def _crash_directory(data_override: str | None) -> Path | None:
    try:
        return data_dir(data_override)
    except Exception:
        return None


def _remembering(lookup: KeyLookup, mask: SecretMask) -> KeyLookup:
    """The keyring lookup, telling `mask` every key it finds, so the log and reports never show one."""

    def found(backend: str) -> str | None:
        key = lookup(backend)
        mask.add(key)
        return key

    return found


def _run(args: argparse.Namespace, mask: SecretMask, keyring: KeyringChild) -> int:
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "web":
            return web(args)
        if args.command == "config":
            return config_cmd.run(args)
        if args.command == "login":
            return login.login(args)
        if args.command == "logout":
            return login.logout(args)
        if args.command in ("sessions", "search", "export"):
            return history.run(args)
        if args.command == "usage":
            return usage.run(args)
        if args.command == "files":
            return files_cmd.run(args)
        loaded = _settings()
        settings = loaded.settings
        # One keyring read per backend per run: some keyrings ask the user to allow each read.
        stored = functools.cache(_remembering(keyring.stored_key, mask))
        if args.command != "ask":
            load_first_screen()  # while the keyring's child answers, if the choice needs it
        backend = choose_backend(args.backend, configured=settings.backend, stored=stored)
        model = args.model or settings.model
        limits = stream_limits(settings)
        # Which run the lines after this belong to, when the log holds many.
        log.info("tui-app %s %s, backend %s (pid %d)", __version__, args.command or "run", backend, os.getpid())
        if args.command == "ask":
            return run_ask(args, loaded, stored, limits)
        return run_app(args, loaded, backend, model, stored, limits, mask, lambda: other_remotes(backend, stored))
    except StoreUnavailable as error:
        return _failed(str(error), 3)
    except ConfigError as error:
        return _failed(_explained(error), 2)
    except BackendError as error:
        return _failed(str(error), 1)
    except KeyboardInterrupt:
        return 130
