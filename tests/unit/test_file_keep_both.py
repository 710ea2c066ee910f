"""Keeping both: a file saved beside one already there gets the next free numbered name, inside
the chosen folder, and the file that was there is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_app.workspace.file_saving import UnsafePath, numbered_name, save_beside, save_into


def test_keep_both_writes_the_next_free_numbered_name_and_leaves_the_first(tmp_path: Path) -> None:
    first = save_into(tmp_path, "notes/summary.md", b"mine")
    second = save_beside(tmp_path, "notes/summary.md", b"theirs")
    third = save_beside(tmp_path, "notes/summary.md", b"theirs again")
    assert (second.name, third.name) == ("summary (2).md", "summary (3).md")
    assert [first.read_bytes(), second.read_bytes(), third.read_bytes()] == [b"mine", b"theirs", b"theirs again"]


@pytest.mark.parametrize(
    ("name", "numbered"),
    [("summary.md", "summary (2).md"), ("data.tar.gz", "data (2).tar.gz"), (".env", ".env (2)"), ("README", "README (2)")],
)
def test_a_numbered_name_keeps_the_whole_suffix(name: str, numbered: str) -> None:
    assert numbered_name(name, 2) == numbered


def test_keep_both_refuses_a_path_that_leaves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    with pytest.raises(UnsafePath):
        save_beside(folder, "../escape.txt", b"x")
    assert list(tmp_path.rglob("*")) == [folder]
