"""The settings model: file, environment, and what a bad file says."""

from __future__ import annotations

from pathlib import Path

from tui_app.settings.user_settings import config_path, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults_without_problems(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "absent.toml", env={})
    assert loaded.problems == []
    assert loaded.settings.theme == "tui-app-dark"
    assert loaded.settings.frame_rate == 30
    assert loaded.settings.budget.session_micros is None


def test_file_values_are_read_and_environment_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'theme = "textual-light"\nmodel = "m1"\n[budget]\nsession_usd = "0.25"\n[keys]\n"new-session" = "f2"\n',
    )
    loaded = load_settings(path, env={"TUI_APP_THEME": "nord", "TUI_APP_BUDGET__OVERALL_USD": "3", "HOME": "/x"})
    assert loaded.problems == []
    settings = loaded.settings
    assert (settings.theme, settings.model) == ("nord", "m1")
    assert settings.budget.session_micros == 250_000
    assert settings.budget.overall_micros == 3_000_000
    assert settings.keys == {"new-session": "f2"}


def test_a_bad_field_names_file_line_and_field_and_only_it_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, 'model = "m"\n\n[budget]\nsession_usd = "-1"\n')
    loaded = load_settings(path, env={})
    assert loaded.settings.model == "m"  # the rest of the file applies
    assert loaded.settings.budget.session_usd is None
    assert loaded.problems == [
        f"{path}, line 4: budget.session_usd: Input should be greater than 0; ignored, the default applies"
    ]


def test_unknown_keys_and_broken_toml_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "colour = 1\n")
    assert "line 1: colour: Extra inputs are not permitted" in load_settings(path, env={}).problems[0]
    path = write(tmp_path, "model = \n")
    (problem,) = load_settings(path, env={}).problems
    assert problem.startswith(f"{path}: not valid TOML") and "line 1" in problem


def test_a_bad_environment_variable_is_named(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "absent.toml", env={"TUI_APP_FRAME_RATE": "fast"})
    assert loaded.settings.frame_rate == 30
    assert loaded.problems[0].startswith("environment variable TUI_APP_FRAME_RATE: frame_rate:")


def test_the_file_is_never_rewritten_by_loading(tmp_path: Path) -> None:
    text = "# mine\nframe_rate = 999\n"
    path = write(tmp_path, text)
    load_settings(path, env={})
    assert path.read_text(encoding="utf-8") == text


def test_config_path_honours_the_environment(tmp_path: Path) -> None:
    assert config_path({"TUI_APP_CONFIG": str(tmp_path / "c.toml")}) == tmp_path / "c.toml"
    assert config_path({}).name == "config.toml"
