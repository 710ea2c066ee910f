"""A store another program holds locked: a clear message and exit 3, never a traceback or a hang."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tui_app.persistence.store import Store


def test_a_locked_store_says_who_to_close_and_how_to_start_elsewhere(tmp_path: Path) -> None:
    Store(tmp_path / "tui-app.db").close()
    holder = sqlite3.connect(tmp_path / "tui-app.db", isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        result = subprocess.run(
            [sys.executable, "-m", "tui_app", "--data-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    finally:
        holder.close()
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'tui-app.db'} is locked by another program" in result.stderr
    assert "--data-dir" in result.stderr
