"""The app paints its first screen before its server is started and before any transcript is
read (issue 16): the stored sessions are listed from their records, the composer takes keys, and
the screen says it is connecting; then the live connection arrives, the sessions are restored and
what was typed stays in the composer. `connecting` blocks until the test lets it go, so what the
first screen shows is seen while the server is not there."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import connection_to, wait_until
from tests.stored_sessions import record_session, two_sessions
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.flows.first_paint import first_session_drawn
from tui_app.ui.remembered import Remembered
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import ListedItem, RowText, SessionItem
from tui_app.workspace.reopen import Place
from tui_app.workspace.connecting import Connecting, is_open, provisional


class HeldConnection:
    """`connecting` for the app: says when it is asked, and returns only once `release`d: the
    embedded server as the local backend, and as Stewrd too (it serves both APIs), as the CLI
    adds the other backends whose keys it finds."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server
        self.asked = threading.Event()
        self._go = threading.Event()

    def live(self) -> Connection:
        self.asked.set()
        self._go.wait(60)
        return connection_to(self.server)

    def more(self) -> tuple[Connection, ...]:
        local = connection_to(self.server)
        return (Connection("stewrd", local.base_url, local.api_key),)

    def release(self) -> None:
        self._go.set()


@pytest.fixture
def held(server: EmbeddedServer) -> Iterator[HeldConnection]:
    holding = HeldConnection(server)
    yield holding
    holding.release()  # a failed test must not leave the app's thread waiting


def app_with(held: HeldConnection, directory: Path) -> tuple[TuiApp, Store]:
    store = Store(directory / "tui-app.db")
    connecting = Connecting(held.live, held.more)
    app = TuiApp(provisional("local"), store=store, remembered=Remembered.load(directory), connecting=connecting)
    return app, store


def listed_titles(app: TuiApp) -> list[str]:
    return [str(item.children[0].content).split("\n")[0].strip(" ○") for item in app.query(ListedItem)]


def on_screen(app: TuiApp) -> Callable[[str], bool]:
    screenshot = app.export_screenshot()
    return lambda text: text.replace(" ", "&#160;") in screenshot or text in screenshot


async def test_the_first_screen_lists_the_stored_sessions_before_the_server_is_asked_for(
    server: EmbeddedServer, held: HeldConnection, tmp_path: Path
) -> None:
    await two_sessions(connection_to(server), tmp_path)
    with Store(tmp_path / "tui-app.db") as kept:  # a session of a backend whose key comes late (`more`)
        await record_session(held.more()[0], kept, "Stewrd chat", "hello there")
    app, store = app_with(held, tmp_path)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, held.asked.is_set)
            # While the server starts: every stored session listed, no session rebuilt (no
            # transcript read), no client opened, the composer focused and taking keys.
            assert listed_titles(app) == ["Paris trip", "Groceries", "Stewrd chat"]
            assert app.sessions == {} and not is_open(app.workspace)
            shows = on_screen(app)
            assert shows("Paris trip") and shows("Groceries") and shows("Connecting")
            assert isinstance(app.focused, Composer)
            await pilot.press(*"still there?")
            assert app.query_one(Composer).text == "still there?"
            assert not app.check_action("new_session", ())  # no session can start without a client

            held.release()
            await wait_until(pilot, lambda: first_session_drawn(app._view) and app.current.title == "Stewrd chat")  # type: ignore[union-attr]
            await wait_until(pilot, lambda: not app.query(ListedItem))  # each row gave its place to the session's own
            titles = ["Paris trip", "Groceries", "Stewrd chat"]
            assert [app.sessions[item.session_id].title for item in app.query(SessionItem)] == titles
            assert [session.title for session in app.workspace.order] == titles  # (Ctrl+G numbers)
            assert app.query_one(Composer).text.endswith("still there?")
            assert "hello there" in app.current.transcript.messages[0].text  # type: ignore[union-attr]
            groceries = next(s for s in app.sessions.values() if s.title == "Groceries")
            assert "apples" in groceries.transcript.messages[0].text
            assert app.check_action("new_session", ())
    finally:
        store.close()


async def test_the_session_viewed_last_is_read_and_shown_first_and_every_unread_mark_is_kept(
    server: EmbeddedServer, held: HeldConnection, tmp_path: Path
) -> None:
    paris, groceries = await two_sessions(connection_to(server), tmp_path)
    remembered = Remembered.load(tmp_path)
    remembered.place = Place(paris.id, frozenset({groceries.id}))
    remembered.save()
    app, store = app_with(held, tmp_path)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, held.asked.is_set)
            held.release()
            await wait_until(pilot, lambda: len(app.query(SessionItem)) == 2 and not app.query(ListedItem))
            await wait_until(pilot, lambda: first_session_drawn(app._view))
            assert app.current is not None and app.current.id == paris.id
            assert app.workspace.unread == {groceries.id}
            [row] = [item for item in app.query(SessionItem) if item.session_id == groceries.id]
            await wait_until(pilot, lambda: "● new" in str(row.query_one(RowText).render()))
        assert Remembered.load(tmp_path).place == Place(paris.id, frozenset({groceries.id}))
    finally:
        store.close()


async def test_an_empty_store_starts_its_first_session_once_connected_keeping_what_was_typed(
    held: HeldConnection, tmp_path: Path
) -> None:
    app, store = app_with(held, tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, held.asked.is_set)
            assert not app.query(ListedItem) and app.current is None
            await pilot.press(*"hello")
            held.release()
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            assert app.current.title == "Session 1"  # type: ignore[union-attr]
            assert app.query_one(Composer).text == "hello"
            assert "embedded server" in app.sub_title
            assert list(app.workspace.connections) == ["local", "stewrd"]  # the default first
            assert not app._clock.ticking  # idle: the sidebar's clock sleeps until a session waits
    finally:
        store.close()


async def test_enter_while_connecting_keeps_the_message_and_sends_it_once_the_session_is_there(
    held: HeldConnection, tmp_path: Path
) -> None:
    app, store = app_with(held, tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, held.asked.is_set)
            await pilot.press(*"hello", "enter")
            assert app.query_one(Composer).text == "hello"  # not lost, not refused
            assert [n.message for n in app._notifications if "Connecting" in n.message]
            assert not [n for n in app._notifications if "Not sent" in n.message]
            held.release()
            await wait_until(pilot, lambda: app.current is not None and [m.text for m in app.current.transcript.messages if m.role == "user"] == ["hello"])
            assert app.query_one(Composer).text == ""
    finally:
        store.close()
