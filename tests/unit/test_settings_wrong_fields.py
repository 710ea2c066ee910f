"""One wrong field in config.toml is ignored on its own: the rest of the file (key remaps
included) applies, and the app and `tui-app config show` say which field was ignored."""

from __future__ import annotations

from pathlib import Path

from tui_app.cli.config_command import show
from tui_app.settings.user_settings import load_settings

FILE = """\
model = "m1"
frame_rate = 500
colour = "blue"

[budget]
session_usd = "-1"
warn_ratio = 0.5

[keys]
"audit-log" = "f4"
"new-session" = ""
"""


def _loaded(tmp_path: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(FILE, encoding="utf-8")
    return load_settings(path, env=env or {})


def test_only_the_wrong_fields_are_ignored(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path)
    settings = loaded.settings
    assert settings.model == "m1"
    assert settings.budget.warn_ratio == 0.5
    assert settings.keys == {"audit-log": "f4"}  # the good remap applies, the empty one does not
    assert settings.frame_rate == 30 and settings.budget.session_usd is None
    assert sorted(loaded.ignored) == [("budget", "session_usd"), ("colour",), ("frame_rate",), ("keys", "new-session")]


def test_each_ignored_field_is_named_with_its_line(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path)
    path = tmp_path / "config.toml"
    said = "\n".join(loaded.problems)
    assert f"{path}, line 2: frame_rate: Input should be less than or equal to 120; ignored, the default applies" in said
    assert f"{path}, line 3: colour: Extra inputs are not permitted; ignored" in said
    assert f"{path}, line 6: budget.session_usd: Input should be greater than 0; ignored" in said
    assert f"{path}, line 11: keys.new-session: needs one key or several separated by commas; ignored" in said
    assert len(loaded.problems) == 4


def test_a_wrong_environment_variable_is_ignored_alone(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, {"TUI_APP_IDLE_TIMEOUT_S": "5", "TUI_APP_THEME": "nord"})
    assert loaded.settings.theme == "nord" and loaded.settings.idle_timeout_s is None
    assert loaded.settings.model == "m1"
    assert any(p.startswith("environment variable TUI_APP_IDLE_TIMEOUT_S: idle_timeout_s:") for p in loaded.problems)


def test_config_show_says_which_values_are_from_the_file_and_which_were_ignored(tmp_path: Path) -> None:
    env = {"TUI_APP_IDLE_TIMEOUT_S": "5"}
    loaded = _loaded(tmp_path, env)
    lines = show(loaded, env)
    path = tmp_path / "config.toml"
    row = {line.split()[0]: line for line in lines if line and not line.startswith(("problem", "config", "keyring"))}
    assert row["model"].endswith(f"{path}, line 1")
    assert row["budget.warn_ratio"].endswith(f"{path}, line 7")
    assert row["frame_rate"].endswith(f"default ({path}, line 2 is wrong and ignored: see the problem above)")
    assert row["idle_timeout_s"].endswith("default (environment TUI_APP_IDLE_TIMEOUT_S is wrong and ignored: see the problem above)")
    assert sum(line.startswith("problem: ") for line in lines) == 5
