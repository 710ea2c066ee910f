"""Open the session store, turning every way it can fail into one message a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_app.persistence.store import Store, StoreError

STORE_FILE = "tui-app.db"


class StoreUnavailable(Exception):
    """The store cannot be opened; the message names the file and the way out."""


def open_store(directory: Path) -> Store:
    path = directory / STORE_FILE
    try:
        return Store(path)
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise StoreUnavailable(
                f"The session store {path} is locked by another program (another tui-app?). "
                "Close it and start again, or use --data-dir DIR for a separate store."
            ) from None
        raise StoreUnavailable(f"Cannot open the session store {path}: {error}. Use --data-dir DIR to start elsewhere.") from None
    except (sqlite3.DatabaseError, StoreError) as error:
        backups = sorted(p.name for p in directory.glob(f"{STORE_FILE}.backup-*"))
        backup = f" Backups beside it: {', '.join(backups)}." if backups else ""
        raise StoreUnavailable(
            f"The session store {path} cannot be read ({error}).{backup} Move the file aside to start with "
            "an empty store (nothing is deleted), or use --data-dir DIR."
        ) from None
