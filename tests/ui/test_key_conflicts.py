"""A key remapped onto one already bound is reported at start and in F1 (it used to be silent),
and F1's own remap example takes no key from another binding."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import load_settings
from tui_app.ui.app import TuiApp
from tui_app.ui.keymap import BindingInfo, conflicts
from tui_app.ui.screens.help import REMAP_EXAMPLE, HelpScreen


def _info(binding_id: str, keys: str, where: str = "app", remapped: bool = False) -> BindingInfo:
    return BindingInfo(binding_id, keys, binding_id.title(), where, remapped)


def test_a_remapped_key_shared_at_the_same_place_or_with_the_app_is_a_conflict() -> None:
    bindings = [
        _info("settings", "f2"),
        _info("new-session", "ctrl+n, F2", remapped=True),
        _info("send", "ctrl+s", "composer", remapped=True),
        _info("settings-save", "ctrl+s", "settings"),  # another place: no conflict
        _info("close-help", "escape,q,f1", "keys help"),
        _info("cancel", "escape"),  # shared by design, neither remapped: not named
    ]
    (found,) = conflicts(bindings)
    assert (found.key, found.remapped.id, found.other.id) == ("f2", "new-session", "settings")
    assert "f2 is given to new-session" in found.sentence() and "settings" in found.sentence()


def test_two_remapped_bindings_on_one_key_are_named_once() -> None:
    bindings = [_info("audit-log", "f4", remapped=True), _info("export", "f4", remapped=True)]
    assert len(conflicts(bindings)) == 1


async def test_a_conflict_is_reported_at_start_and_in_f1_and_the_example_is_free(
    connection: Connection, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"new-session" = "ctrl+n,f2"\n', encoding="utf-8")
    app = TuiApp(connection, settings=load_settings(config, env={}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        said = [entry.message for entry in app.notices.history if entry.title == "Settings"]
        assert any("f2 is given to new-session" in line and "settings" in line for line in said)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-conflicts", Static).render())
        assert "f2 is given to new-session" in shown
        note = str(app.screen.query_one("#help-note", Static).render())
        assert "Esc then the digit" in note and "Ctrl+G then the digit" in note and "Alt+1" in note
        # The example in the note, tried as a remap, conflicts with nothing.
        binding_id, keys = REMAP_EXAMPLE
        assert f'"{binding_id}" = "{keys}"' in note
        tried = [
            BindingInfo(info.id, keys, info.description, info.where, True) if info.id == binding_id else info
            for info in app.binding_catalogue()
        ]
        assert conflicts(tried) == []


async def test_without_conflicts_f1_shows_none(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await pilot.press("f1")
        assert not app.screen.query("#help-conflicts")
        assert not any("[keys]" in entry.message for entry in app.notices.history)
