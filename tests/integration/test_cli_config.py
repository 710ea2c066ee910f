"""`tui-app config path|show`, and the settings file giving the CLI its defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tui_app.server import demo_agent


def run_cli(config: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    environ.update(TUI_APP_CONFIG=str(config), TUI_APP_DATA_DIR=str(config.parent / "data"), **env)
    return subprocess.run(
        [sys.executable, "-m", "tui_app", *args], capture_output=True, text=True, timeout=60, env=environ, check=False
    )


def rows(output: str) -> dict[str, tuple[str, str]]:
    """`config show`'s table: setting -> (value, where it came from)."""
    table: dict[str, tuple[str, str]] = {}
    for line in output.splitlines():
        parts = [p for p in line.split("  ") if p.strip()]
        if len(parts) == 3:
            table[parts[0].strip()] = (parts[1].strip(), parts[2].strip())
    return table


def test_config_path_prints_where_the_file_goes(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "config.toml", "config", "path")
    assert result.returncode == 0 and result.stdout.strip() == str(tmp_path / "config.toml")


def test_config_show_gives_every_setting_its_value_and_source(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('model = "demo/from-file"\n\n[budget]\nsession_usd = "0.50"\n', encoding="utf-8")
    secret = "sk_case_config_show_" + "q" * 24
    result = run_cli(config, "config", "show", TUI_APP_FRAME_RATE="60", CASEDEV_API_KEY=secret)
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert table["model"] == ("demo/from-file", f"{config}, line 1")
    assert table["budget.session_usd"] == ("0.50", f"{config}, line 4")
    assert table["frame_rate"] == ("60", "environment TUI_APP_FRAME_RATE")
    assert table["theme"] == ("tui-app-dark", "default")
    assert table["data_dir"] == (str(tmp_path / "data"), "environment TUI_APP_DATA_DIR")
    assert table["casedev.api_key"] == (f"****{secret[-4:]} ({len(secret)} characters)", "environment variable CASEDEV_API_KEY")
    assert table["stewrd.api_key"][0] == "(not set)"
    for name in ("backend", "idle_timeout_s", "notifications", "bell", "budget.overall_usd", "budget.warn_ratio", "keys"):
        assert name in table, name
    assert secret not in result.stdout + result.stderr


def test_a_bad_field_is_named_on_stderr_and_only_it_is_ignored(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('model = "demo/from-config"\nframe_rate = "fast"\n', encoding="utf-8")
    result = run_cli(config, "ask", "--speed", "0", "hello")
    assert result.returncode == 0, result.stderr
    assert f"tui-app: {config}, line 2: frame_rate: " in result.stderr
    assert result.stdout.startswith(demo_agent.reply([], "hello"))
    assert result.stdout.strip().splitlines()[-1].endswith("· demo/from-config")  # the rest of the file applies
    shown = run_cli(config, "config", "show")
    assert f"problem: {config}, line 2: frame_rate:" in shown.stdout
    assert rows(shown.stdout)["model"] == ("demo/from-config", f"{config}, line 1")
    assert rows(shown.stdout)["frame_rate"][1].startswith(f"default ({config}, line 2 is wrong and ignored")


def test_the_settings_give_the_default_backend_and_model_and_flags_win(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('backend = "casedev"\nmodel = "demo/from-config"\n', encoding="utf-8")
    needs_key = run_cli(config, "ask", "hi")
    assert needs_key.returncode == 2 and "The casedev backend needs a key" in needs_key.stderr
    local = run_cli(config, "ask", "--backend", "local", "--speed", "0", "hi")
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip().splitlines()[-1].endswith("· demo/from-config")
    flagged = run_cli(config, "ask", "--backend", "local", "--speed", "0", "--model", "demo/flag", "hi")
    assert flagged.stdout.strip().splitlines()[-1].endswith("· demo/flag")
