"""The search screen on its own, in a tiny app: type, see results from every session, choose one."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from textual.app import App
from textual.widgets import Input, OptionList, Static

from tests.conftest import wait_until
from tests.stored_sessions import two_sessions
from tui_app.backends.connection import Connection
from tui_app.core.events import (
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    TurnStarted,
    UserMessageSent,
)
from tui_app.persistence.store import SessionRecord, Store
from tui_app.ui.screens.search import SearchChoice, SearchScreen, snippet_text
from tui_app.workspace.search import MessageSearch

UNSET = ("unset", "unset")


class Host(App[None]):
    """Opens the search screen and keeps what it was dismissed with."""

    def __init__(self, store: Store, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.query_text = query
        self.chosen: SearchChoice | None = UNSET

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(MessageSearch(self.store), self.query_text), self._done)

    def _done(self, choice: SearchChoice | None) -> None:
        self.chosen = choice


async def test_typing_lists_matches_from_every_session_and_enter_opens_the_best(
    connection: Connection, tmp_path: Path
) -> None:
    _, groceries = await two_sessions(connection, tmp_path)
    with Store(tmp_path / "tui-app.db") as store:
        app = Host(store)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            await pilot.press(*"apples")
            await wait_until(pilot, lambda: len(screen.results) >= 1)
            assert {r.session_id for r in screen.results} == {groceries.id}
            assert screen.results[0].title == "Groceries"
            prompt = screen.query_one(OptionList).get_option_at_index(0).prompt
            assert "Groceries" in str(prompt) and "apples" in str(prompt)
            assert "result" in str(screen.query_one("#search-status", Static).render())
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.chosen != UNSET)
            session_id, message_id = app.chosen  # type: ignore[misc]
            assert session_id == groceries.id
            assert "apples" in {m.message_id: m.text for m in store.messages(session_id)}[message_id]


async def test_arrow_keys_choose_another_result_and_escape_closes_with_nothing(
    connection: Connection, tmp_path: Path
) -> None:
    paris, _ = await two_sessions(connection, tmp_path)
    with Store(tmp_path / "tui-app.db") as store:
        app = Host(store, query="paris")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            await wait_until(pilot, lambda: len(screen.results) >= 2)
            await pilot.press("down")  # from the input into the results
            assert screen.query_one(OptionList).has_focus
            await pilot.press("down", "enter")
            await wait_until(pilot, lambda: app.chosen != UNSET)
            assert app.chosen == (paris.id, screen.results[1].message_id)

        app = Host(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press(*"zeppelin")
            await wait_until(pilot, lambda: "Nothing found" in str(app.screen.query_one("#search-status", Static).render()))
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.chosen != UNSET)
            assert app.chosen is None


async def test_typing_on_replaces_the_results_and_clearing_empties_them(tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        app = Host(store, query="anything")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            screen.query_one(Input).value = ""
            await pilot.pause(0.2)
            assert screen.results == [] and screen.query_one(OptionList).option_count == 0


def test_snippets_highlight_matches_and_drop_control_sequences() -> None:
    text = snippet_text("see \x02Paris\x03 \x1b[2Jnow\x07")
    assert text.plain == "see Paris now"
    assert [text.plain[span.start : span.end] for span in text.spans] == ["Paris"]



async def test_closing_while_a_search_runs_is_harmless(connection: Connection, tmp_path: Path) -> None:
    await two_sessions(connection, tmp_path)
    with Store(tmp_path / "tui-app.db") as store:
        app = Host(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press(*"paris", "escape")
            await pilot.pause(0.5)
            assert app.chosen is None and not isinstance(app.screen, SearchScreen)


def test_search_screen_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Times are shown in local time: pin the zone, and the stored times, so the picture is stable.
    old_zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    store = Store(tmp_path / "tui-app.db")
    conversations = {
        "Paris trip": ["plan three days in Paris", "Day one: the Louvre, then a walk along the Seine to Notre-Dame."],
        "Groceries": ["apples, bread and cheese from Paris", "Noted: apples, bread and cheese."],
    }
    for number, (title, (asked, answered)) in enumerate(conversations.items()):
        session = f"session{number}"
        store.save_session(SessionRecord(session, "local", None, title, None, "ready", "micros", 1.0, 1.0))
        store.append_events(
            session,
            [
                UserMessageSent(f"u{number}", asked),
                TurnStarted(f"t{number}"),
                MessageCreated(f"t{number}", f"a{number}"),
                PartUpdated(f"t{number}", f"a{number}", "p", "text", text=answered),
                MessageCompleted(f"t{number}", f"a{number}"),
            ],
        )
    assert store.flush(timeout=30)  # the writer thread's work, on disk before it is edited below
    with sqlite3.connect(tmp_path / "tui-app.db") as db:
        db.execute("UPDATE messages SET created_at = 1795000000 + id * 60")

    async def type_query(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*"paris")
        await wait_until(pilot, lambda: len(pilot.app.screen.results) == 2)
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.pause()

    try:
        assert snap_compare(Host(store), terminal_size=(90, 24), run_before=type_query)
    finally:
        store.close()
        if old_zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old_zone
        time.tzset()
