"""A reply imports what drawing it needs, and no screen behind a key (issue 16: the peak RSS of a
reply). The turn's end asks whether a files view is open; the files view's modules (the file
viewer brings Textual's Markdown widget and its `DataTable`: 1.2 MB) came with that question
before. Checked in a fresh process (`tests/reply_imports.py`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

ONLY_WHEN_OPENED = (
    "tui_app.ui.screens.files_screen",
    "tui_app.ui.screens.file_viewer",
    "tui_app.ui.screens.save_file",
    "textual.widgets._markdown",
    "textual.widgets._data_table",
)


def test_a_turn_that_ends_imports_no_screen_behind_a_key() -> None:
    found = subprocess.run(
        [sys.executable, "-m", "tests.reply_imports"], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    )
    modules = set(found.stdout.split())
    assert "tui_app.ui.widgets.transcript.rich_markdown" in modules  # (the reply was drawn)
    assert sorted(modules.intersection(ONLY_WHEN_OPENED)) == []
