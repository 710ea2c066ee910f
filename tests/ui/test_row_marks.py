"""An off-screen row is redrawn at once only when its marks move (a new-files mark, a state a
person acts on); its figures wait for the paced redraw (row_pacing.py), which costs a screen
update drawing the whole side column. A turn's end, once its files are listed, used to redraw
the row every time, beside the paced redraws (issue 16: ten sessions streaming)."""

from __future__ import annotations

import pytest

from tests.conftest import wait_until
from tests.ui.test_audit_log import ready
from tests.ui.test_files_marks import another_session_on_screen, first_watched, sent_off_screen
from tests.ui.test_files_screen import MESSAGE
from tui_app.backends.connection import Connection
from tui_app.core.cost import format_cost, summarize
from tui_app.ui.app import TuiApp
from tui_app.ui.flows import row_pacing
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem, SessionSidebar
from tui_app.workspace.new_files import has_new_files
from tui_app.workspace.session_controller import SessionController


def row_of(app: TuiApp, session: SessionController) -> RowText:
    return app.query_one(f"#session-{session.id}", SessionItem).query_one(RowText)


def cost_of(session: SessionController) -> str:
    return format_cost(summarize(session.book.ledger).session(session.id, "micros").cost)


async def test_a_turn_off_screen_redraws_its_row_at_once_only_for_its_new_files_mark(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(row_pacing, "INTERVAL", 600.0)  # no paced redraw within the test
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        first, checked = await first_watched(app, pilot)
        await another_session_on_screen(app, pilot)
        row = row_of(app, first)

        await sent_off_screen(app, pilot, first, MESSAGE)
        await wait_until(pilot, lambda: len(checked) == 1 and "+files" in str(row.render()))
        assert has_new_files(first)  # the mark moved: drawn at once, with the figures of then

        repaints, shown = row.repaints, str(row.render())  # (render: the lines as they are now)
        await sent_off_screen(app, pilot, first, MESSAGE)
        await wait_until(pilot, lambda: len(checked) == 2)
        await pilot.pause()
        # The second turn moved the cost, not the marks: the row waits for its paced redraw.
        assert cost_of(first) not in shown
        assert row.repaints == repaints


async def test_refresh_marks_redraws_a_row_only_when_a_mark_moved(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        session = app.current
        assert session is not None
        await pilot.pause()
        sidebar = app.query_one(SessionSidebar)
        row = row_of(app, session)
        before = row.repaints

        sidebar.refresh_marks(session)
        assert row.repaints == before

        session.mark_new_files(True)
        sidebar.refresh_marks(session)
        assert row.repaints == before + 1
        await pilot.pause()
        assert "+files" in str(row.render())
