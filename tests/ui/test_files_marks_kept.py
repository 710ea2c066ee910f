"""The sidebar's `+files` mark (a turn wrote files while its session was off screen) is kept
with the session's record: a restart still shows it, until F12 is opened on the session; a
restart after that does not bring it back. The embedded server over real HTTP, one store."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import wait_until
from tests.ui.test_audit_log import ready, send_and_finish
from tests.ui.test_files_marks import another_session_on_screen, row_text, sent_off_screen
from tests.ui.test_files_screen import MESSAGE, files_open, rows
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.workspace.new_files import has_new_files


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))  # the session viewed last, per test
    return tmp_path


async def both_restored(app: TuiApp, pilot: Pilot[None], first_id: str) -> None:
    await wait_until(pilot, lambda: first_id in app.workspace.sessions and len(app.workspace.sessions) == 2)
    await wait_until(pilot, lambda: all(s.state == "ready" for s in app.workspace.sessions.values()))


@pytest.mark.parametrize("api", ["local", "stewrd"])
async def test_the_files_mark_survives_a_restart_until_f12_is_opened(server: EmbeddedServer, data_dir: Path, api: str) -> None:
    connection = Connection(api, server.base_url, ApiKey(server.api_key))
    with Store(data_dir / "tui-app.db") as store:
        app = TuiApp(connection, store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            first = app.current
            assert first is not None and app.new_files is not None
            await send_and_finish(app, pilot, "hello")  # on screen: its files are seen
            await another_session_on_screen(app, pilot)
            await sent_off_screen(app, pilot, first, MESSAGE)  # off screen: it writes a file
            await wait_until(pilot, lambda: "+files" in row_text(app))
            first_id = first.id

    with Store(data_dir / "tui-app.db") as store:
        again = TuiApp(connection, store=store)
        async with again.run_test(size=(120, 40)) as pilot:
            await both_restored(again, pilot, first_id)
            restored = again.workspace.sessions[first_id]
            await wait_until(pilot, lambda: "+files" in row_text(again))
            assert has_new_files(restored) and again.current is not restored
            assert [has_new_files(s) for s in again.workspace.sessions.values()].count(True) == 1
            await pilot.press("ctrl+g", "1")
            await wait_until(pilot, lambda: again.current is restored)
            assert "+files" in row_text(again)  # on screen, but its files not looked at yet
            screen = await files_open(again, pilot, count=3 if api == "local" else 1)
            # Which turn wrote each file is kept too: after a restart it read "—" for Case.dev.
            expected = {"local": ["2", "1", "2"], "stewrd": ["2"]}[api]
            assert [row[2] for row in rows(screen)] == expected
            await wait_until(pilot, lambda: not has_new_files(restored))
            await pilot.press("escape")
            await wait_until(pilot, lambda: "+files" not in row_text(again))

    with Store(data_dir / "tui-app.db") as store:
        assert [record.new_files for record in store.sessions()] == [False, False]
        once_more = TuiApp(connection, store=store)
        async with once_more.run_test(size=(120, 40)) as pilot:
            await both_restored(once_more, pilot, first_id)
            assert not any(has_new_files(s) for s in once_more.workspace.sessions.values())
            assert "+files" not in row_text(once_more)
