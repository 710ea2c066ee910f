"""The log file: made with its first line and not before, the user's alone, rotated, masked; what
a command already told the user is not printed on stderr a second time."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tui_app.cli import logging_setup
from tui_app.cli.logging_setup import FILE_ONLY, log_file, logging_to
from tui_app.cli.secret_mask import SecretMask

KEY = "sk_case_logging_" + "z8" * 12
log = logging.getLogger("tui_app.tests.logging_setup")


def test_the_file_is_under_the_chosen_data_directory_else_the_user_log_directory(tmp_path: Path) -> None:
    assert log_file(str(tmp_path)) == tmp_path / "logs" / "tui-app.log"
    assert log_file(None, {"TUI_APP_DATA_DIR": str(tmp_path)}) == tmp_path / "logs" / "tui-app.log"
    assert log_file(None, {}).name == "tui-app.log" and "tui-app" in str(log_file(None, {}).parent)


def test_no_file_until_a_line_is_written_then_private_and_masked(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "tui-app.log"
    with logging_to(path, "info", SecretMask([KEY]), stderr=False):
        log.debug("not at info")
        assert not path.parent.exists()
        log.info("refused %s", KEY)
    assert path.stat().st_mode & 0o077 == 0
    text = path.read_text(encoding="utf-8")
    assert f"INFO tui_app.tests.logging_setup: refused ****{KEY[-4:]}" in text and KEY not in text
    assert "not at info" not in text


def test_the_file_rotates_and_keeps_three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 1000)
    path = tmp_path / "tui-app.log"
    with logging_to(path, "info", SecretMask(), stderr=False):
        for i in range(200):
            log.info("line %03d %s", i, "x" * 40)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["tui-app.log", "tui-app.log.1", "tui-app.log.2", "tui-app.log.3"]
    assert "line 199" in path.read_text(encoding="utf-8")


def test_stderr_shows_warnings_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with logging_to(tmp_path / "tui-app.log", "info", SecretMask([KEY]), stderr=True):
        log.info("only in the file")
        log.warning("skipped a frame quoting %s", KEY)
        log.error("already said in the command's own words", extra=FILE_ONLY)
    assert capsys.readouterr().err == f"skipped a frame quoting ****{KEY[-4:]}\n"
    text = (tmp_path / "tui-app.log").read_text(encoding="utf-8")
    assert "only in the file" in text and "already said" in text
