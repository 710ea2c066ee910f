"""The store failing mid-session, as the user sees it: the app stays responsive, a banner says
why changes are not on disk and stays until they are, nothing is lost once the store allows,
quitting with unsaved changes asks first, and a session `tui-app sessions rm` deleted meanwhile
is dropped with a word rather than written back."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette

from tests.sqlite_locks import write_lock_held
from tests.conftest import connection_to, wait_until
from tests.integration.test_store_deleted_elsewhere import sessions_rm
from tui_app.persistence.store import Store
from tui_app.persistence.store_access import STORE_FILE
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.workspace.session_controller import SessionController
from textual.widgets import Static

PATIENCE = 60.0  # a bound on waiting for the store's writer, so a broken store fails instead of hanging
TURN = "plan a trip to Paris, use a tool"


@pytest.fixture
def paced() -> Iterator[EmbeddedServer]:
    """A server of the test's own at a visible pace, so a turn streams while the store fails."""
    with EmbeddedServer(ServerOptions(tokens_per_second=200)) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """The app's store, where `tui-app` keeps it in the data dir (so the CLI finds it too)."""
    opened = Store(tmp_path / STORE_FILE)
    yield opened
    opened.close()


def palette_highlights(app: TuiApp, word: str) -> bool:
    """The palette is open and its highlighted command is the one searched for (on a loaded
    machine the list first shows the results of a partly typed search)."""
    if not isinstance(app.screen, CommandPalette):
        return False
    commands = app.screen.query_one(CommandList)
    index = commands.highlighted
    return index is not None and word in str(commands.get_option_at_index(index).prompt)


def banner(app: TuiApp) -> str:
    """What the banner shows, or "" while it is hidden."""
    shown = app.query_one("#storage-banner", Static)
    return str(shown.content) if shown.display else ""


def notified(app: TuiApp, words: str) -> bool:
    return any(words in n.message or words in n.title for n in app.notices.history)


def ready(app: TuiApp) -> bool:
    return app.current is not None and app.current.state == "ready"


async def send(pilot, app: TuiApp, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` and Enter, then follow the turn to its end."""
    session = app.current
    assert session is not None
    turns = len(session.transcript.turns)
    app.query_one(Composer).insert(text)
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: len(session.transcript.turns) > turns and session.state == "ready"
        and session.transcript.turns[-1].state == "completed", timeout=PATIENCE,
    )  # fmt: skip


async def saved(store: Store) -> None:
    assert await asyncio.to_thread(store.flush, PATIENCE)


async def one_turn_saved(pilot, app: TuiApp, store: Store) -> SessionController:  # type: ignore[no-untyped-def]
    """The first session, once it has one turn on disk."""
    await wait_until(pilot, lambda: ready(app))
    session = app.current
    assert session is not None
    await send(pilot, app, TURN)
    await saved(store)
    return session


async def all_saved(pilot, app: TuiApp) -> None:  # type: ignore[no-untyped-def]
    """The banner goes once everything is written, and a word says so."""
    await wait_until(pilot, lambda: banner(app) == "", timeout=PATIENCE)
    assert notified(app, "Everything is saved now")


async def test_a_database_locked_mid_session_keeps_the_app_going_and_writes_everything_once_released(
    paced: EmbeddedServer, store: Store
) -> None:
    path = store.path
    app = TuiApp(connection_to(paced), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        session = await one_turn_saved(pilot, app, store)
        with write_lock_held(path):  # another program takes the write lock, and keeps it
            await send(pilot, app, "think about museums")  # the turn streams to its end
            await wait_until(pilot, lambda: "locked" in banner(app), timeout=PATIENCE)
            await pilot.press(*"and then")  # keys are handled while the store is locked
            assert app.query_one(Composer).text == "and then"
            await wait_until(pilot, lambda: "kept in memory" in banner(app) and "close the other program" in banner(app))
        await all_saved(pilot, app)
        messages = [(m.role, m.text) for m in session.transcript.messages]
    store.close()
    with Store(path) as reopened:
        assert [(m.role, m.text) for m in reopened.messages(session.id)] == messages
        assert [text for role, text in messages if role == "user"] == [TURN, "think about museums"]
        assert reopened.draft(session.id) == "and then"


async def test_a_full_disk_shows_the_banner_and_nothing_is_lost_once_there_is_room(
    paced: EmbeddedServer, store: Store
) -> None:
    path = store.path
    app = TuiApp(connection_to(paced), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        session = await one_turn_saved(pilot, app, store)
        pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
        await asyncio.to_thread(store._writer_pragma, f"max_page_count = {pages}")  # the disk is full
        await send(pilot, app, "think about museums " * 40)
        await pilot.press(*"typed on a full disk")
        await wait_until(pilot, lambda: banner(app).startswith("Not saved: disk full"), timeout=PATIENCE)
        assert "free space and they will be written" in banner(app)
        await asyncio.to_thread(store._writer_pragma, "max_page_count = 1000000")  # space was freed
        await all_saved(pilot, app)
        messages = [(m.role, m.text) for m in session.transcript.messages]
    store.close()
    with Store(path) as reopened:
        assert [(m.role, m.text) for m in reopened.messages(session.id)] == messages
        assert len(messages) == 4
        assert reopened.draft(session.id) == "typed on a full disk"


async def test_quitting_with_unsaved_changes_asks_first(paced: EmbeddedServer, store: Store) -> None:
    path = store.path
    app = TuiApp(connection_to(paced), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await one_turn_saved(pilot, app, store)
        with write_lock_held(path):
            await pilot.press(*"not yet saved")
            await wait_until(pilot, lambda: "locked" in banner(app), timeout=PATIENCE)
            await pilot.press("ctrl+q")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            question = str(app.screen.query_one("#confirm-question").content)
            assert "not saved" in question and "database locked by another program" in question
            await pilot.press("n")  # stay
            await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
            assert app.return_code is None
            await pilot.press("ctrl+p")  # the palette's quit asks too
            await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen.focused is not None)
            await pilot.press(*"Quit the app")
            await wait_until(pilot, lambda: palette_highlights(app, "Quit"), timeout=PATIENCE)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), timeout=PATIENCE)
            await pilot.press("n")
            await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
            assert app.return_code is None
        await all_saved(pilot, app)
        await pilot.press("ctrl+q")  # everything is saved: no question
        await wait_until(pilot, lambda: app.return_code == 0)
        session = app.current
        assert session is not None
    store.close()
    with Store(path) as reopened:
        assert reopened.draft(session.id) == "not yet saved"


async def test_a_session_removed_by_sessions_rm_is_dropped_with_a_notice_and_not_written_back(
    paced: EmbeddedServer, store: Store
) -> None:
    path = store.path
    app = TuiApp(connection_to(paced), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        doomed = await one_turn_saved(pilot, app, store)
        await asyncio.to_thread(sessions_rm, path.parent, doomed.id)
        await send(pilot, app, "think about museums")  # its next writes find it gone
        await wait_until(pilot, lambda: notified(app, "deleted by another program"), timeout=PATIENCE)
        assert doomed.id not in app.sessions
        await wait_until(pilot, lambda: app.current is not None and app.current is not doomed)
        assert len(app.query_one(SessionSidebar).query(f"#session-{doomed.id}")) == 0
        await saved(store)
        assert store.session(doomed.id) is None
    store.close()
    with Store(path) as reopened:
        assert reopened.session(doomed.id) is None
        assert reopened.messages(doomed.id) == []
