"""The store's faults in words a person can act on: the same words for the same fault, whether it
showed when the store was opened or on a read later."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_app.persistence.errors import NewerSchemaError, StoreDamaged
from tui_app.persistence.store_access import STORE_FILE, unavailable


def test_a_read_that_finds_a_damaged_page_says_what_the_check_on_opening_says(tmp_path: Path) -> None:
    path = tmp_path / STORE_FILE
    on_open = str(unavailable(tmp_path, StoreDamaged(f"{path} is damaged: Page 7: btreeInitPage() returns error code 11")))
    on_read = str(unavailable(tmp_path, sqlite3.DatabaseError("database disk image is malformed")))
    for message in (on_open, on_read):
        assert message.startswith(f"The session store {path} is damaged and cannot be read (")
        assert message.endswith("Move the file aside to start with an empty store (nothing is deleted), or use --data-dir DIR.")
    assert "(Page 7: btreeInitPage() returns error code 11)" in on_open
    assert "(database disk image is malformed)" in on_read


def test_backups_beside_a_damaged_store_are_named(tmp_path: Path) -> None:
    (tmp_path / f"{STORE_FILE}.backup-v3").write_bytes(b"")
    message = str(unavailable(tmp_path, sqlite3.DatabaseError("file is not a database")))
    assert f"Backups beside it: {STORE_FILE}.backup-v3." in message


def test_a_lock_is_not_called_damage(tmp_path: Path) -> None:
    message = str(unavailable(tmp_path, sqlite3.OperationalError("database is locked")))
    assert "locked by another program" in message and "damaged" not in message


def test_a_newer_store_is_not_called_damage_nor_moved_aside(tmp_path: Path) -> None:
    message = str(unavailable(tmp_path, NewerSchemaError("x.db was written by a newer tui-app (schema 9). Upgrade tui-app.")))
    assert "newer tui-app" in message and "damaged" not in message and "Move the file aside" not in message
