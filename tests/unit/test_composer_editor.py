"""Composing in $EDITOR (issue 15): the draft goes to the editor in a file, what it saved comes
back; an editor that is missing or fails leaves the draft alone, with a reason."""

from __future__ import annotations

import os
from pathlib import Path

from tui_app.ui.widgets.composer_editor import editor_command, run_editor


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "editor.sh"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_the_editor_gets_the_draft_and_its_saved_text_comes_back(tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    editor = script(tmp_path, f'cp "$1" {seen}\nprintf "rewritten\\nin the editor\\n" > "$1"')
    result = run_editor("the draft\nso far", {"EDITOR": editor, "PATH": os.environ["PATH"]})
    assert seen.read_text(encoding="utf-8") == "the draft\nso far"
    assert result.text == "rewritten\nin the editor" and result.error is None


def test_visual_wins_over_editor_and_may_carry_arguments(tmp_path: Path) -> None:
    editor = script(tmp_path, 'printf "%s" "$1" > /dev/null; printf "from %s" "$0" > "$2"')
    result = run_editor("", {"VISUAL": f"{editor} --wait", "EDITOR": "/no/such/editor"})
    assert result.text == f"from {editor}"
    assert editor_command({}) == ["vi"]


def test_a_failing_editor_leaves_the_draft_and_says_why(tmp_path: Path) -> None:
    editor = script(tmp_path, 'printf "half done" > "$1"; exit 3')
    result = run_editor("keep me", {"EDITOR": editor})
    assert result.text is None
    assert result.error is not None and "status 3" in result.error


def test_a_missing_editor_is_a_clear_error(tmp_path: Path) -> None:
    result = run_editor("keep me", {"EDITOR": str(tmp_path / "no-such-editor")})
    assert result.text is None
    assert result.error is not None and "no-such-editor" in result.error and "$EDITOR" in result.error


def test_the_temporary_file_is_gone_afterwards(tmp_path: Path) -> None:
    kept = tmp_path / "name.txt"
    editor = script(tmp_path, f'printf "%s" "$1" > {kept}')
    run_editor("secret plans", {"EDITOR": editor})
    assert not Path(kept.read_text(encoding="utf-8")).exists()
