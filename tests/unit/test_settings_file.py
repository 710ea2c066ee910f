"""Saving settings keeps what the user wrote in the file."""

from __future__ import annotations

from pathlib import Path

from tui_app.settings.user_settings import load_settings
from tui_app.settings.settings_writer import write_settings


def test_changes_keep_comments_and_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# my settings\nmodel = "m1"  # the fast one\n\n[keys]\n"new-session" = "f2"\n', encoding="utf-8")
    write_settings(path, {"theme": "nord", "model": None, "budget": {"session_usd": "0.5"}})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my settings\n")
    assert "model" not in text
    assert '"new-session" = "f2"' in text
    loaded = load_settings(path, env={})
    assert loaded.problems == []
    assert loaded.settings.theme == "nord"
    assert loaded.settings.budget.session_micros == 500_000
    assert loaded.settings.keys == {"new-session": "f2"}


def test_a_new_file_is_made_with_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "tui-app" / "config.toml"
    write_settings(path, {"frame_rate": 20, "budget": {"overall_usd": None}})
    assert load_settings(path, env={}).settings.frame_rate == 20
    assert "budget" not in path.read_text(encoding="utf-8")
