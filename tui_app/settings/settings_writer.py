"""Write settings back to the user's config.toml, keeping their comments, order and every
setting not being changed (tomlkit edits the document rather than regenerating it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table


def write_settings(path: Path, changes: Mapping[str, Any]) -> None:
    """Set each of `changes` (a nested mapping mirrors a [table]); `None` removes the key."""
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    _merge(document, changes)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(tomlkit.dumps(document), encoding="utf-8")
    os.replace(partial, path)  # never half a file, even if the app dies mid-write


def _merge(container: Any, changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, Mapping):
            table = container.get(key)
            if not isinstance(table, Table):
                table = tomlkit.table()
                container[key] = table
            _merge(table, value)
            if not table:
                del container[key]
        elif value is None:
            if key in container:
                del container[key]
        else:
            container[key] = value
