"""Saving a session's file: a service's path never leaves the chosen folder, and nothing is
replaced unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_app.workspace.file_saving import AlreadyThere, UnsafePath, relative_parts, save_as, save_into


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../escape.txt", "`..`"),
        ("notes/../../escape.txt", "`..`"),
        ("/etc/passwd", "absolute"),
        ("notes\\..\\..\\x", "backslash"),
        ("bad\x00name.txt", "NUL"),
        ("", "no path"),
        ("notes//x", "empty"),
        ("./x", "`.`"),
    ],
)
def test_a_path_that_could_leave_the_folder_is_refused_and_nothing_is_written(tmp_path: Path, path: str, why: str) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    with pytest.raises(UnsafePath, match=why):
        save_into(folder, path, b"data")
    assert list(tmp_path.rglob("*")) == [folder]


def test_a_nested_path_is_written_inside_the_folder_with_its_subfolders(tmp_path: Path) -> None:
    written = save_into(tmp_path, "notes/turn-2/summary.md", b"# hi")
    assert written == tmp_path / "notes" / "turn-2" / "summary.md"
    assert written.read_bytes() == b"# hi"
    assert relative_parts("a/b.txt") == ["a", "b.txt"]


def test_a_folder_on_the_way_that_links_outside_is_refused(tmp_path: Path) -> None:
    folder, outside = tmp_path / "chosen", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "notes").symlink_to(outside)
    with pytest.raises(UnsafePath, match="links outside"):
        save_into(folder, "notes/x.txt", b"data")
    assert list(outside.iterdir()) == []


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    save_into(tmp_path, "a.txt", b"first")
    with pytest.raises(AlreadyThere):
        save_into(tmp_path, "a.txt", b"second")
    assert (tmp_path / "a.txt").read_bytes() == b"first"
    save_into(tmp_path, "a.txt", b"second", force=True)
    assert (tmp_path / "a.txt").read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no temporary file left


def test_a_link_in_the_way_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "out.txt"
    link.symlink_to(victim)
    with pytest.raises(AlreadyThere):
        save_as(link, b"overwritten")
    save_as(link, b"replaced", force=True)
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"replaced"
