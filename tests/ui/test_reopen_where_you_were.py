"""A restart puts you back where you were (issue 15): the session you last looked at is on screen
again (not the newest one), and the `● new` marks of sessions you had not read are still there.
Two runs of the app on the same data directory, the embedded server keeping the sessions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import connection_to, wait_until
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.remembered import FILE_NAME, Remembered
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem
from tui_app.ui.widgets.transcript.transcript_view import MessageView


def row_text(app: TuiApp, title: str) -> str:
    item = next(i for i in app.query(SessionItem) if app.sessions[i.session_id].title == title)
    return str(item.query_one(RowText).render())


def app_on(server: EmbeddedServer, directory: Path) -> tuple[TuiApp, Store]:
    store = Store(directory / "tui-app.db")
    return TuiApp(connection_to(server), store=store, remembered=Remembered.load(directory)), store


async def test_a_restart_reopens_the_session_last_viewed_with_its_unread_marks(
    paced_server: EmbeddedServer, tmp_path: Path
) -> None:
    app, store = app_on(paced_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        first = app.current
        app.new_session("Second")
        app.new_session("Third")  # the newest: what a restart showed before
        await wait_until(pilot, lambda: len(app.sessions) == 3 and all(s.state == "ready" for s in app.sessions.values()))
        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current is first)
        composer = app.query_one(Composer)
        composer.insert("keep talking while I look at another session")
        composer.action_send()
        await wait_until(pilot, lambda: first.state == "streaming")  # type: ignore[union-attr]
        await pilot.press("ctrl+g", "2")
        await wait_until(pilot, lambda: app.current is not None and app.current.title == "Second")
        await wait_until(pilot, lambda: first.state == "ready" and "● new" in row_text(app, first.title))  # type: ignore[union-attr]
        last_viewed = app.current.id  # type: ignore[union-attr]
    store.close()

    again, store = app_on(paced_server, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: again.current is not None and len(again.sessions) == 3)
        await pilot.pause()
        assert again.current.id == last_viewed and again.current.title == "Second"  # type: ignore[union-attr]
        assert "● new" in row_text(again, first.title)  # type: ignore[union-attr]
        assert "● new" not in row_text(again, "Second") and "● new" not in row_text(again, "Third")

        # Looking at it clears the mark, for this run and the next.
        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: again.current is not None and again.current.id == first.id and len(again.query(MessageView)) == 2)  # type: ignore[union-attr]
        assert "● new" not in row_text(again, first.title)  # type: ignore[union-attr]
    store.close()
    kept = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    assert kept["session"] == first.id and kept["unread"] == []  # type: ignore[union-attr]


async def test_a_remembered_session_that_is_gone_falls_back_to_the_newest(paced_server: EmbeddedServer, tmp_path: Path) -> None:
    app, store = app_on(paced_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.new_session("Newest")
        await wait_until(pilot, lambda: len(app.sessions) == 2 and app.current.title == "Newest")  # type: ignore[union-attr]
        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current.title != "Newest")  # type: ignore[union-attr]
    store.close()
    # The session last viewed was deleted meanwhile (`tui-app sessions rm`), and the file is odd.
    state = {"session": "deleted-long-ago", "unread": ["deleted-too", 7]}
    (tmp_path / FILE_NAME).write_text(json.dumps(state), encoding="utf-8")

    again, store = app_on(paced_server, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: again.current is not None and len(again.sessions) == 2)
        assert again.current.title == "Newest"  # type: ignore[union-attr]
        assert not again.workspace.unread
    store.close()
