"""A session's row is repainted only when what it shows changes: ten sessions streaming off
screen ask for their rows every few tokens, and a repaint costs the screen's compositor."""

from __future__ import annotations

from tests.conftest import connection_to, wait_until
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem, SessionSidebar


async def test_a_row_asked_to_show_what_it_shows_is_not_repainted() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            assert session is not None
            await pilot.pause()
            sidebar = app.query_one(SessionSidebar)
            row = app.query_one(f"#session-{session.id}", SessionItem).query_one(RowText)
            before = row.repaints

            for _ in range(3):
                sidebar.refresh_session(session)
            assert row.repaints == before

            session.rename("Renamed")  # (publishes a change: the row shows it)
            await wait_until(pilot, lambda: row.repaints > before)
            await pilot.pause()
            assert row.repaints == before + 1
            assert "Renamed" in str(row.render())
