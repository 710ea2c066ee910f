"""The one migration runner, for both SQLite stores (the app's sessions, the embedded server's chats).

A database's `PRAGMA user_version` is how many of its store's scripts have run. To change a
schema, append one script; never edit a shipped one. All pending scripts run in one transaction
with the upgrade, and foreign keys are checked before it commits: a failed upgrade changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from tui_app.persistence.errors import NewerSchemaError, StoreError
from tui_app.persistence.sqlite_transaction import write_transaction


def migrate(
    db: sqlite3.Connection, lock: threading.RLock, path: Path, migrations: Sequence[str], *, back_up: bool
) -> None:
    """Bring the database on `db` (autocommit mode) up to `len(migrations)`.

    With `back_up`, a database that already holds tables is copied beside itself first, as
    `<name>.backup-v<version>`. A store whose connection holds the file in exclusive locking mode
    cannot be read by the second connection the copy needs: it passes False.
    Raises `NewerSchemaError` for a database written by a newer app, untouched.
    """
    newest = len(migrations)
    with write_transaction(db, lock):
        version: int = db.execute("PRAGMA user_version").fetchone()[0]
        if version > newest:
            raise NewerSchemaError(
                f"{path} was written by a newer tui-app (schema {version}; this one knows up to"
                f" {newest}). Upgrade tui-app, or open another database."
            )
        if version == newest:
            return
        if back_up and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            copy_beside(path, f"{path.name}.backup-v{version}")
        for script in migrations[version:]:
            for statement in statements(script):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {newest}")
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StoreError(f"migrating {path} to schema {newest} broke foreign keys: {broken[:5]}")


def copy_beside(path: Path, name: str) -> None:
    """Copy the database (WAL content included) beside it, atomically: a half copy never replaces a whole one."""
    target = path.with_name(name)
    partial = target.with_name(f"{name}.partial")
    partial.unlink(missing_ok=True)
    # Read through a second connection: the caller's holds the write lock (so nothing changes
    # under the copy), and a backup from a connection inside a write transaction never finishes.
    source, copy = sqlite3.connect(path), sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)


def statements(script: str) -> Iterator[str]:
    """The statements of a migration script, one by one.

    `executescript` would commit the migration's transaction first, so the script is split here
    (`complete_statement` knows a trigger's `;` from a statement's end).
    """
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                yield buffer
            buffer = ""
    if _has_code(buffer):
        raise ValueError(f"migration script ends in an incomplete statement: {buffer.strip()[:80]!r}")


def _has_code(sql: str) -> bool:
    lines = (line.split("--", 1)[0] for line in sql.splitlines())
    return any(line.strip(" \t;") for line in lines)
