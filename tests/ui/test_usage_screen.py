"""The usage screen: F10 (or the palette) shows spending by day across every stored session, the
same figures as `tui-app usage` and the usage panel, with a bar chart of the dollars; live while
sessions stream, redrawn at most every half second."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from tests.conftest import connection_to, wait_until
from tests.stored_sessions import two_sessions
from tui_app.backends.connection import Connection
from tui_app.core.cost import summarize
from tui_app.core.money import format_micros
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.screens.usage_screen import REDRAW_SECONDS, UsageScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.workspace.usage_report import UsageReport, build_report, dated_turns

DAYS = (date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 30))


def table_rows(screen: UsageScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_f10_shows_todays_spending_as_the_app_and_tui_app_usage_count_it(connection: Connection, tmp_path: Path) -> None:
    await two_sessions(connection, tmp_path)  # three priced turns kept in the store
    with Store(tmp_path / "tui-app.db") as store:
        app = TuiApp(connection, store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: len(app.workspace.order) >= 2)
            await pilot.press("f10")
            await wait_until(pilot, lambda: isinstance(app.screen, UsageScreen))
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, UsageScreen)
            everything = summarize(app.workspace.book.ledger).overall.get("micros").exact
            assert everything is not None and everything > 0
            [day] = {turn.day for turn in dated_turns(store)}  # today (read, not assumed: midnight)
            today, total = table_rows(screen)
            assert today[:3] == [day.isoformat(), format_micros(everything), "3"]
            assert total[0] == "Total" and total[1] == format_micros(everything)
            assert screen.query_one(PlotextPlot).display
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, UsageScreen))


async def test_the_palette_offers_the_usage_report(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert any("Usage report" in title for title in titles)


async def test_with_nothing_spent_the_screen_says_so_and_draws_no_chart(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, UsageScreen))
        await pilot.pause()
        assert not app.screen.query_one(PlotextPlot).display
        assert "No spending recorded yet." in str(app.screen.query_one("#usage-note").render())


async def stored_report(connection: Connection, directory: Path) -> UsageReport:
    """Real turns and costs from the embedded server, spread over fixed days (a snapshot cannot
    show today's date)."""
    await two_sessions(connection, directory)
    with Store(directory / "tui-app.db") as store:
        turns = list(dated_turns(store))
    return build_report((replace(turn, day=DAYS[i % len(DAYS)]) for i, turn in enumerate(turns)), "day")


def _snapshot(snap_compare, connection: Connection, tmp_path: Path, size: tuple[int, int]) -> bool:  # type: ignore[no-untyped-def]
    import asyncio

    report = asyncio.run(stored_report(connection, tmp_path))

    async def open_report(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.query_one(Composer).cursor_blink = False
        await app.push_screen(UsageScreen(report))
        await pilot.pause()

    return bool(snap_compare(TuiApp(connection), terminal_size=size, run_before=open_report))


def test_usage_screen_80x24(snap_compare, connection: Connection, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert _snapshot(snap_compare, connection, tmp_path, (80, 24))


def test_usage_screen_120x40(snap_compare, connection: Connection, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert _snapshot(snap_compare, connection, tmp_path, (120, 40))


def total_cost(screen: UsageScreen) -> str:
    rows = table_rows(screen)
    return rows[-1][1] if rows and rows[-1][0] == "Total" else ""


async def test_the_usage_screen_is_live_while_two_sessions_stream(paced_server: EmbeddedServer, tmp_path: Path) -> None:
    with Store(tmp_path / "tui-app.db") as store:
        app = TuiApp(connection_to(paced_server), store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            first = app.current
            assert first is not None
            second = app.new_session("Second")
            await wait_until(pilot, lambda: second.state == "ready")
            await pilot.press("f10")
            await wait_until(pilot, lambda: isinstance(app.screen, UsageScreen))
            screen = app.screen
            assert isinstance(screen, UsageScreen)
            assert screen.report.rows == () and "live" in str(screen.query_one("#usage-dialog").border_title)
            for session in (first, second):
                app.workspace.start_send(session, "tell me everything about streaming " * 4)
            # The figures appear, then grow, while both sessions still stream.
            await wait_until(pilot, lambda: total_cost(screen) not in ("", "$0.00"))
            seen = total_cost(screen)
            await wait_until(
                pilot,
                lambda: total_cost(screen) != seen and (first.state == "streaming" or second.state == "streaming"),
            )
            await wait_until(pilot, lambda: first.state == second.state == "ready")
            everything = summarize(app.workspace.book.ledger).overall.get("micros").exact
            await wait_until(pilot, lambda: total_cost(screen) == format_micros(everything))
            assert screen.query_one(PlotextPlot).display
            assert table_rows(screen)[-1][2] == "2"  # two turns


async def test_a_burst_of_usage_reports_is_drawn_once(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, UsageScreen))
        screen = app.screen
        assert isinstance(screen, UsageScreen) and screen.redraws == 1
        for _ in range(50):
            screen.stale()
        await wait_until(pilot, lambda: screen.redraws == 2)
        await pilot.pause(2 * REDRAW_SECONDS)  # no second redraw comes for the same burst
        assert screen.redraws == 2
