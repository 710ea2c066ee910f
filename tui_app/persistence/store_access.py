"""Open the session store, turning every way it can fail into one message a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_app.persistence.errors import NewerSchemaError
from tui_app.persistence.store import Store, StoreError

STORE_FILE = "tui-app.db"


class StoreUnavailable(Exception):
    """The store cannot be opened; the message names the file and the way out."""


def open_store(directory: Path) -> Store:
    try:
        return Store(directory / STORE_FILE)
    except (sqlite3.DatabaseError, StoreError) as error:
        raise unavailable(directory, error) from None


def unavailable(directory: Path, error: sqlite3.DatabaseError | StoreError) -> StoreUnavailable:
    """What to tell a person when the store in `directory` failed with `error`, on opening or on
    any read later (a damaged page is found only when a read reaches it): the same words for
    the same fault, wherever it shows."""
    path = directory / STORE_FILE
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return StoreUnavailable(
            f"The session store {path} is locked by another program (another tui-app?). "
            "Close it and start again, or use --data-dir DIR for a separate store."
        )
    if isinstance(error, sqlite3.OperationalError):
        return StoreUnavailable(f"Cannot open the session store {path}: {error}. Use --data-dir DIR to start elsewhere.")
    if isinstance(error, NewerSchemaError):
        return StoreUnavailable(f"{error} (or use --data-dir DIR)")
    backups = sorted(p.name for p in directory.glob(f"{STORE_FILE}.backup-*"))
    backup = f" Backups beside it: {', '.join(backups)}." if backups else ""
    reason = text.replace(f"{path} is damaged: ", "")
    return StoreUnavailable(
        f"The session store {path} is damaged and cannot be read ({reason}).{backup} Move the file aside to start "
        "with an empty store (nothing is deleted), or use --data-dir DIR."
    )
