"""A sleeping or gone sandbox, against the embedded server (its idle timeouts scaled down here):
a snapshotted session's files view says its files wait for the sandbox and offers to resume
it (resuming sends a message; the files are listed once that turn has ended); an expired
session's lists only the files kept here, and says so."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Button, DataTable

from tests.conftest import connection_to, wait_until
from tests.hostile_server import KEY, HostileServer, Reply, Script
from tests.ui.test_audit_log import ready, send_and_finish
from tests.ui.test_files_screen import rows, status_of
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.ui.flows.files_flow import RESUME_MESSAGE
from tui_app.ui.screens.files_screen import ASLEEP, FilesScreen
from tui_app.workspace.workspace import Store


async def test_a_snapshotted_session_offers_to_resume_then_lists_its_files() -> None:
    # The default 15 min idle timeout scaled to 0.9 s on the server.
    with EmbeddedServer(ServerOptions(tokens_per_second=0, idle_scale=0.001, resume_delay=0.2)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            session = app.current
            assert session is not None and session.remote is not None
            await send_and_finish(app, pilot, "hello")
            await asyncio.sleep(1.2)  # past the server's (scaled) idle timeout
            chat = server.registry.chats[session.remote.id]
            assert server.registry.status(chat) == "idle"
            # The app's own clock: 15 minutes pass, and its idle check (every 30 s) runs.
            session.last_activity -= session.remote.idle_timeout_ms / 1000
            app.workspace.check_idle()
            assert session.state == "idle"

            await pilot.press("f12")
            await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen))
            screen = app.screen
            assert isinstance(screen, FilesScreen)
            await pilot.pause()
            assert status_of(screen) == ASLEEP
            assert screen.query_one("#files-resume-button", Button).display
            assert screen.query_one(DataTable).row_count == 0  # nothing asked of a sleeping sandbox

            states: list[str] = []
            app.workspace.changes.subscribe(lambda change: states.append(change.session.state))
            await pilot.press("w")
            await wait_until(pilot, lambda: screen.query_one(DataTable).row_count == 2, timeout=30)
            assert [row[0] for row in rows(screen)] == ["out/turn-1.md", "out/turn-2.md"]
            assert status_of(screen) == "2 files"
            assert not screen.query_one("#files-resume-button", Button).display
            assert "resuming" in states  # the sandbox was restored from its snapshot for this turn
            assert [turn.user_text for turn in chat.turns] == ["hello", RESUME_MESSAGE]


async def test_an_expired_stewrd_session_lists_only_the_files_kept_here(tmp_path: Path) -> None:
    # Stewrd's 30 min idle expiry scaled to 1.8 s; its returned files are in the store.
    with EmbeddedServer(ServerOptions(tokens_per_second=0, idle_scale=0.001)) as server:
        with Store(tmp_path / "tui-app.db") as store:
            app = TuiApp(Connection("stewrd", server.base_url, ApiKey(server.api_key)), store=store)
            async with app.run_test(size=(120, 40)) as pilot:
                await ready(pilot)
                session = app.current
                assert session is not None
                await send_and_finish(app, pilot, "please make a file")
                await asyncio.sleep(2.0)  # past the (scaled) expiry
                app.workspace.start_send(session, "still there?")
                await wait_until(pilot, lambda: session.state == "expired")
                app.clear_notifications()
                await pilot.press("f12")
                await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.files)
                screen = app.screen
                assert status_of(screen) == (
                    "This session has expired: its sandbox is gone, so only the files kept here are listed. 1 file"
                )
                assert rows(screen) == [["notes/turn-1/summary.md", rows(screen)[0][1], "1"]]
                assert not screen.query_one("#files-resume-button", Button).display  # nothing to resume


async def test_a_list_the_service_refuses_offers_to_resume_the_sandbox() -> None:
    # The app may not know the sandbox sleeps (it snapshotted while the app was closed, say).
    asleep = b'{"error": {"message": "The sandbox is not running", "code": "SANDBOX_NOT_RUNNING"}}'
    with HostileServer(Script(files=Reply(400, asleep))) as hostile:
        app = TuiApp(Connection("casedev", hostile.base_url, ApiKey(KEY)))
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("f12")
            await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and "cannot be listed" in status_of(app.screen))
            assert "The sandbox is not running" in status_of(app.screen)
            assert "If its sandbox is snapshotted, resume it (w)" in status_of(app.screen)
            assert app.screen.query_one("#files-resume-button", Button).display
