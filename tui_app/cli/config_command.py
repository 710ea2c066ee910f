"""`tui-app config path` and `tui-app config show`: the settings in force and where each came from."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from tui_app.cli.logging_setup import log_file
from tui_app.settings import api_keys as keys
from tui_app.backends import registry
from tui_app.settings.backend_choice import data_dir, key_source
from tui_app.settings.file_lines import line_of
from tui_app.settings.user_settings import (
    ENV_PREFIX,
    LoadedSettings,
    config_path,
    load_settings,
)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    config = commands.add_parser("config", help="where the settings file is, and every setting in force")
    actions = config.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    path = actions.add_parser(
        "path", help="print the settings file's path (it need not exist); the log file's goes to stderr"
    )
    path.add_argument("--log", action="store_true", help="print the log file's path instead")
    actions.add_parser("show", help="every setting with its value and where it came from; keys masked")


def run(args: argparse.Namespace) -> int:
    if args.config_action == "path":
        log = log_file(args.data_dir)
        if args.log:
            print(log)
            return 0
        # stdout stays the one path, for `$EDITOR "$(tui-app config path)"`; a person sees both.
        print(config_path())
        print(f"log file: {log}", file=sys.stderr)
        return 0
    loaded = load_settings()
    for line in show(loaded, os.environ, args.data_dir):
        print(line)
    return 0


def _flatten(values: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name in (f.name for f in fields(values)):
        value = getattr(values, name)
        if is_dataclass(value):
            yield from _flatten(value, prefix + (name,))
        else:
            yield prefix + (name,), value


def _file_data(loaded: LoadedSettings) -> tuple[str, dict[str, Any]]:
    if not loaded.file_exists:
        return "", {}
    try:
        text = loaded.path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "", {}  # the file's values are not in force: the settings fell back to defaults


def _source(location: tuple[str, ...], loaded: LoadedSettings, text: str, data: dict[str, Any], env: Mapping[str, str]) -> str:
    variable = ENV_PREFIX + "__".join(location).upper()
    if ("environment", variable) in loaded.ignored:
        return f"default (environment {variable} is wrong and ignored: see the problem above)"
    if variable in env:
        return f"environment {variable}"
    node: Any = data
    for part in location:
        if not isinstance(node, dict) or part not in node:
            return "default"
        node = node[part]
    line = line_of(text, list(location))
    where = f"{loaded.path}" + (f", line {line}" if line else "")
    if any(location[: len(wrong)] == wrong for wrong in loaded.ignored):
        return f"default ({where} is wrong and ignored: see the problem above)"
    return where


def _shown(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "(none)"
    return str(value)


def status_line(status: keys.KeyringStatus) -> str:
    if not status.usable:
        return f"none usable: {status.reason}; keys come from the environment only"
    return status.name + (f" ({status.reason})" if status.reason else "")


def show(loaded: LoadedSettings, env: Mapping[str, str], data_override: str | None = None) -> list[str]:
    state = "found" if loaded.file_exists else "not found: every setting is a default or from the environment"
    lines = [f"config file: {loaded.path} ({state})"]
    keyring_note = status_line(keys.status(env=env))
    lines.append(f"keyring: {keyring_note}")
    lines += [f"problem: {problem}" for problem in loaded.problems]
    text, data = _file_data(loaded)
    rows = [(".".join(loc), _shown(value), _source(loc, loaded, text, data, env)) for loc, value in _flatten(loaded.settings)]
    directory = data_dir(data_override, env)
    rows.append(("data_dir", str(directory), "--data-dir" if data_override else ("environment TUI_APP_DATA_DIR" if env.get("TUI_APP_DATA_DIR") else "default")))
    rows.append(("log_file", str(log_file(data_override, env)), "in the data directory" if data_override or env.get("TUI_APP_DATA_DIR") else "default"))
    for spec in map(registry.spec, registry.remote_names()):
        found = key_source(spec.name, env, keys.stored_key)
        # Only a mask of the key is ever printed (see keys.mask).
        rows.append((f"{spec.name}.api_key", keys.mask(found[0]) if found else "(not set)", found[1] if found else "environment, then keyring"))
        url = env.get(spec.url_variable) if spec.url_variable else None
        rows.append((f"{spec.name}.base_url", url or spec.default_url or "(not set)", f"environment {spec.url_variable}" if url else "default"))
    width = max(len(name) for name, _, _ in rows)
    value_width = min(max(len(value) for _, value, _ in rows), 40)
    lines += ["", f"{'setting'.ljust(width)}  {'value'.ljust(value_width)}  from"]
    lines += [f"{name.ljust(width)}  {value.ljust(value_width)}  {source}" for name, value, source in rows]
    return lines


__all__ = ["add_parsers", "run", "show"]
