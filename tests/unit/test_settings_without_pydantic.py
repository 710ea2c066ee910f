"""The settings are plain dataclasses; pydantic checks them only when a file or a variable gives a
value (issue 16: a start with neither paints its first screen without loading pydantic)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_app.settings.plain_settings import INTEGERS, NUMBERS, plainly_right
from tui_app.settings.settings_schema import BudgetModel, SettingsModel, checked
from tui_app.settings.settings_values import SETTING_NAMES
from tui_app.settings.user_settings import Budget, Settings, load_settings, names_a_setting, validated

REPO = Path(__file__).resolve().parents[2]


def test_the_schema_and_the_dataclasses_have_the_same_fields_and_defaults() -> None:
    assert [f.name for f in fields(Settings)] == list(SettingsModel.model_fields)
    assert [f.name for f in fields(Budget)] == list(BudgetModel.model_fields)
    assert validated({}) == Settings()


def test_the_plain_reading_keeps_the_schemas_bounds() -> None:
    for name, (low, high) in {**INTEGERS, **NUMBERS}.items():
        metadata = SettingsModel.model_fields[name].metadata
        found = [getattr(m, "ge", None) for m in metadata if hasattr(m, "ge")], [getattr(m, "le") for m in metadata if hasattr(m, "le")]
        assert found == ([low], [high] if high is not None else []), name


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


# Values of every shape a TOML file gives, for the fields and for a key no field has.
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=20_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "x", "tui-app-dark", "local", "casedev", "nope", "ctrl+n", "ctrl+n,f6", "a,,b", " ", "5", "true"]),
    st.dictionaries(st.sampled_from(["new-session", "help", "x"]), st.sampled_from(["f2", "ctrl+n,f6", "", "a,", 3])),
    st.dictionaries(st.sampled_from(["session_usd", "warn_ratio", "on_limit"]), st.sampled_from([1, "0.5", "stop", -1])),
)
_KEY_SPECS = st.sampled_from(["f2", "ctrl+n,f6", "", "a,", " , x", "ctrl+shift+p"])


def _plausible(name: str) -> st.SearchStrategy[object]:
    """Mostly values of the field's own type, near and past its bounds; sometimes anything."""
    if name in INTEGERS:
        low, high = INTEGERS[name]
        right: st.SearchStrategy[object] = st.integers(low - 1, (high if high is not None else low + 10_000) + 1)
    elif name in NUMBERS:
        right = st.one_of(st.floats(-1, 4000), st.integers(-1, 4000))
    elif name == "keys":
        right = st.dictionaries(st.sampled_from(["new-session", "help", "quit"]), st.one_of(_KEY_SPECS, st.integers()))
    elif name in ("notifications", "bell"):
        right = st.booleans()
    else:
        right = st.one_of(st.text(max_size=6), st.sampled_from(["local", "casedev", "stewrd", "nope", "nord"]))
    return st.one_of(right, right, right, _VALUES)


_FILES = st.lists(st.sampled_from([*SETTING_NAMES, "colour"]), unique=True, max_size=4).flatmap(
    lambda names: st.fixed_dictionaries({name: _plausible(name) for name in names})
)


@settings(max_examples=1000, deadline=None)
@given(_FILES)
def test_a_file_read_without_pydantic_reads_as_the_full_check_reads_it(data: dict[str, object]) -> None:
    plain = plainly_right(data)
    if plain is None:
        return  # the full check reads it (and says what is wrong)
    problems: list[str] = []
    checked_settings, ignored = checked(Path("config.toml"), "", copy.deepcopy(data), {}, problems)
    assert (checked_settings, problems, ignored) == (plain, [], [])


def test_a_typical_file_is_read_without_pydantic_and_a_wrong_one_with_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\nframe_rate = 60\nstall_timeout_s = 20\n[keys]\n"new-session" = "ctrl+n,f6"\n', encoding="utf-8")
    loaded = load_settings(path, env={})
    assert (loaded.settings.theme, loaded.settings.frame_rate, loaded.settings.stall_timeout_s) == ("nord", 60, 20.0)
    assert loaded.settings.keys == {"new-session": "ctrl+n,f6"} and loaded.problems == []
    assert plainly_right({"frame_rate": 500}) is None and plainly_right({"frame_rate": "60"}) is None
    assert plainly_right({"budget": {"session_usd": "1"}}) is None  # (decimals: the full check)
