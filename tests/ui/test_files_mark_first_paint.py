"""The sidebar's `+files` mark of a stored session is in the first frame: it is kept in the
session's record (migration 3), which the first frame lists its rows from, before any transcript
is read or the server is started. It appeared only once the session was restored, about a
second after the start."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import connection_to, wait_until
from tests.stored_sessions import record_session
from tests.ui.test_first_paint_before_server import HeldConnection, app_with, held, on_screen  # noqa: F401  (fixture)
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.widgets.session_sidebar import ListedItem, RowText, SessionItem


def listed_rows(app: object) -> dict[str, str]:
    return {item.session_id: str(item.children[0].render()) for item in app.query(ListedItem)}  # type: ignore[attr-defined]


async def test_a_stored_files_mark_is_in_the_first_frame(server: EmbeddedServer, held: HeldConnection, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        marked = await record_session(connection_to(server), store, "Reports", "write me a report")
        plain = await record_session(connection_to(server), store, "Groceries", "a list for apples")
        marked.mark_new_files(True)
        marked.flush()
    app, store = app_with(held, tmp_path)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, held.asked.is_set)  # the first frame is written; no session restored
            assert app.sessions == {}
            rows = listed_rows(app)
            assert "+files" in rows[marked.id] and "+files" not in rows[plain.id]
            assert on_screen(app)("+files")

            held.release()  # the restored rows keep it
            await wait_until(pilot, lambda: len(app.query(SessionItem)) == 2 and not app.query(ListedItem))
            drawn = {item.session_id: str(item.query_one(RowText).render()) for item in app.query(SessionItem)}
            assert "+files" in drawn[marked.id] and "+files" not in drawn[plain.id]
    finally:
        store.close()
