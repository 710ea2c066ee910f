"""Where the user was (the session on screen, unread marks) is kept in ui-state.json with the
theme; a file that is odd in part keeps what it can, and a place never costs the theme."""

from __future__ import annotations

import json
from pathlib import Path

from tui_app.ui.remembered import FILE_NAME, Remembered
from tui_app.workspace.reopen import Place


def test_the_place_and_the_theme_survive_a_save_and_a_load(tmp_path: Path) -> None:
    remembered = Remembered.load(tmp_path)
    remembered.theme = "nord"
    remembered.place = Place("s2", frozenset({"s1", "s3"}))
    remembered.save()
    again = Remembered.load(tmp_path)
    assert again.theme == "nord"
    assert again.place == Place("s2", frozenset({"s1", "s3"}))
    assert json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))["unread"] == ["s1", "s3"]


def test_a_file_from_before_places_were_kept_loads_its_theme(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text(json.dumps({"theme": "nord"}), encoding="utf-8")
    loaded = Remembered.load(tmp_path)
    assert loaded.theme == "nord" and loaded.place == Place() and not loaded.problems


def test_odd_values_are_left_out_not_fatal(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text(json.dumps({"theme": 3, "session": ["x"], "unread": ["a", 7, None]}), encoding="utf-8")
    loaded = Remembered.load(tmp_path)
    assert loaded.theme is None and loaded.place == Place(None, frozenset({"a"})) and not loaded.problems
    (tmp_path / FILE_NAME).write_text(json.dumps(["not", "an", "object"]), encoding="utf-8")
    assert Remembered.load(tmp_path).place == Place()
