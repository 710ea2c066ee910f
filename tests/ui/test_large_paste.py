"""A large paste collapses to a marker in the composer (issue 15); F4 expands it; the full text
is what the service receives, and what the draft keeps."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer

PASTED = "\n".join(f"line {n}: some log output" for n in range(1, 5001))


async def ready(app: TuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    await pilot.pause()


async def test_a_large_paste_shows_as_a_marker_and_is_sent_in_full(connection: Connection, server: EmbeddedServer) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        composer = app.query_one(Composer)
        await pilot.press(*"Summarise this: ")
        app.post_message(events.Paste(PASTED))  # as the terminal's bracketed paste arrives
        await pilot.pause()
        assert composer.text == "Summarise this: [Pasted 5,000 lines]"
        await pilot.press(*" thanks", "enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1, timeout=60)
        assert app.current is not None and app.current.remote is not None
        sent = server.registry.chats[app.current.remote.id].turns[-1].user_text
        assert sent == f"Summarise this: {PASTED} thanks"
        assert composer.text == ""


async def test_a_paste_with_the_carriage_returns_terminals_send_collapses_too(connection: Connection, server: EmbeddedServer) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        composer = app.query_one(Composer)
        app.post_message(events.Paste(PASTED.replace("\n", "\r")))  # tmux and xterm paste lines so
        await pilot.pause()
        assert composer.text == "[Pasted 5,000 lines]"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1, timeout=60)
        assert server.registry.chats[app.current.remote.id].turns[-1].user_text == PASTED  # type: ignore[union-attr]


async def test_a_small_paste_goes_in_as_it_is(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.post_message(events.Paste("two\nlines"))
        await pilot.pause()
        assert app.query_one(Composer).text == "two\nlines"


async def test_f3_expands_a_collapsed_paste(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        composer = app.query_one(Composer)
        long_line = "x" * 2500
        app.post_message(events.Paste(long_line))
        await pilot.pause()
        assert composer.text == "[Pasted 2,500 characters]"
        assert "f4" in app.active_bindings  # the footer offers it
        await pilot.press("f4")
        assert composer.text == long_line
        await pilot.pause()
        assert "f4" not in app.active_bindings


async def test_an_edited_marker_is_plain_text(connection: Connection, server: EmbeddedServer) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        composer = app.query_one(Composer)
        app.post_message(events.Paste(PASTED))
        await pilot.pause()
        await pilot.press("backspace", "enter")  # "[Pasted 5,000 lines" is no longer the marker
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1, timeout=60)
        assert server.registry.chats[app.current.remote.id].turns[-1].user_text == "[Pasted 5,000 lines"  # type: ignore[union-attr]
        assert composer.text == ""


async def test_the_draft_keeps_a_collapsed_paste_in_full(connection: Connection, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        app = TuiApp(connection, store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(app, pilot)
            app.post_message(events.Paste(PASTED))
            await pilot.pause()
            session = app.current
            assert session is not None
            await app.workspace.save_all(10)
        assert store.draft(session.id) == PASTED


async def test_the_marker_counts_lines_as_a_person_would(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.post_message(events.Paste("".join(f"row {n}\n" for n in range(30))))  # a file ends with a newline
        await pilot.pause()
        assert app.query_one(Composer).text == "[Pasted 30 lines]"
