"""What `@path` attachments look like (issue 18): a chip above the composer and the choices for
the path being typed under it, at 80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_attachment_snapshots.py --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import connection_to, wait_until
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer

SIZES = [(80, 24), (120, 40)]
FIXED = LoadedSettings(Settings(), Path("/home/user/.config/tui-app/config.toml"))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_attachment_chips_and_path_choices(  # type: ignore[no-untyped-def]
    snap_compare, server: EmbeddedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    for name in ("design.md", "plan.txt"):
        (tmp_path / "docs" / name).write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    async def attach_and_complete(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        app = pilot.app
        composer = app.query_one(Composer)
        composer.cursor_blink = False  # a blinking cursor would make snapshots flaky
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        composer.insert("@no")
        await wait_until(pilot, lambda: bool(composer.path_choices.choices))
        await pilot.press("tab")
        composer.insert("Compare these with @docs/")
        await wait_until(pilot, lambda: len(composer.path_choices.choices) == 2)
        await pilot.press("down")
        await pilot.pause()

    app = TuiApp(connection_to(server), settings=FIXED)
    assert snap_compare(app, terminal_size=size, run_before=attach_and_complete)
