"""The settings are plain dataclasses; pydantic checks them only when a file or a variable gives a
value (issue 16: a start with neither paints its first screen without loading pydantic)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

from tui_app.settings.settings_schema import BudgetModel, SettingsModel
from tui_app.settings.user_settings import Budget, Settings, load_settings, names_a_setting, validated

REPO = Path(__file__).resolve().parents[2]


def test_the_schema_and_the_dataclasses_have_the_same_fields_and_defaults() -> None:
    assert [f.name for f in fields(Settings)] == list(SettingsModel.model_fields)
    assert [f.name for f in fields(Budget)] == list(BudgetModel.model_fields)
    assert validated({}) == Settings()


def test_only_variables_that_name_a_setting_are_checked() -> None:
    assert names_a_setting("TUI_APP_THEME") and names_a_setting("TUI_APP_BUDGET__SESSION_USD")
    assert names_a_setting("TUI_APP_KEYS__new-session")
    assert not names_a_setting("TUI_APP_DATA_DIR") and not names_a_setting("TUI_APP_CONFIG")
    assert not names_a_setting("TUI_APP_THEMES") and not names_a_setting("TUI_APP_EXIT_AFTER_FIRST_PAINT")


def test_a_comment_only_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# nothing set yet\n", encoding="utf-8")
    loaded = load_settings(path, env={"TUI_APP_DATA_DIR": str(tmp_path)})
    assert (loaded.settings, loaded.problems, loaded.ignored) == (Settings(), [], [])


def _loaded_in_a_fresh_process(tmp_path: Path, env: dict[str, str]) -> list[object]:
    probe = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tui_app.settings.user_settings import load_settings\n"
        f"loaded = load_settings(Path({str(tmp_path / 'absent.toml')!r}), env={env!r})\n"
        "print(json.dumps([loaded.settings.theme, 'pydantic' in sys.modules, 'pydantic_settings' in sys.modules]))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    return list(json.loads(found.stdout))


def test_no_file_and_no_setting_in_the_environment_loads_no_pydantic(tmp_path: Path) -> None:
    assert _loaded_in_a_fresh_process(tmp_path, {"TUI_APP_DATA_DIR": str(tmp_path)}) == ["tui-app-dark", False, False]


def test_a_variable_that_names_a_setting_is_checked_by_the_schema(tmp_path: Path) -> None:
    assert _loaded_in_a_fresh_process(tmp_path, {"TUI_APP_THEME": "nord"}) == ["nord", True, True]
