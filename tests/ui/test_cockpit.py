"""The cockpit (F7) against the embedded server: its figures change while two sessions stream,
it sorts by cost, rate and activity, and Enter shows the highlighted session."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.conftest import connection_to, wait_until
from tui_app.core.cost import AllCost, Cost, format_cost, summarize
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.cockpit import COLUMNS, CockpitScreen, totals_text
from tui_app.workspace.cockpit import CockpitTotals
from tui_app.workspace.session_controller import SessionController

LONG = "tell me everything about streaming " * 8


async def sessions(app: TuiApp, pilot, *titles: str) -> list[SessionController]:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    made = [app.new_session(title) for title in titles]
    await wait_until(pilot, lambda: all(s.state == "ready" for s in made))
    return made


def cell(screen: CockpitScreen, session: SessionController, column: str) -> str:
    table = screen.query_one(DataTable)
    return str(table.get_row(session.id)[COLUMNS.index(column)])


def shown_titles(screen: CockpitScreen) -> list[str]:
    return [screen.watch.workspace.sessions[i].title for i in screen.shown_ids]


async def test_the_figures_change_while_two_sessions_stream(paced_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(paced_server))
    async with app.run_test(size=(120, 40)) as pilot:
        first, second = await sessions(app, pilot, "First", "Second")
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        screen = app.screen
        assert isinstance(screen, CockpitScreen)
        for session in (first, second):
            app.workspace.start_send(session, LONG)
        # Each row's turn cost is seen live, then again grown, while both still stream.
        await wait_until(pilot, lambda: all(cell(screen, s, "Turn").endswith(" ▸") for s in (first, second)))
        before = {s.id: cell(screen, s, "Cost") for s in (first, second)}
        await wait_until(
            pilot,
            lambda: all(cell(screen, s, "Cost") != before[s.id] for s in (first, second))
            and all(s.state == "streaming" for s in (first, second)),
        )
        assert all(cell(screen, s, "State") == "streaming" for s in (first, second))
        await wait_until(pilot, lambda: first.state == second.state == "ready")
        await wait_until(pilot, lambda: not any(cell(screen, s, "Turn").endswith("▸") for s in (first, second)))

        def ledger_figure(session: SessionController) -> str:
            return format_cost(summarize(app.workspace.book.ledger).session(session.id, "micros").cost)

        # The same figure as the usage panel's, from the same ledger (at the next refresh).
        await wait_until(pilot, lambda: all(cell(screen, s, "Cost") == ledger_figure(s) for s in (first, second)))
        costs = summarize(app.workspace.book.ledger)
        for session in (first, second):
            assert cell(screen, session, "Per min").startswith("$")
        assert format_cost(costs.overall.get("micros")) in str(screen.query_one("#cockpit-totals").render())


async def test_sorting_by_cost_rate_and_activity(server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(120, 40)) as pilot:
        cheap, dear, idle = await sessions(app, pilot, "Cheap", "Dear", "Idle")
        await app.workspace.send(dear, LONG)
        await app.workspace.send(dear, LONG)
        await app.workspace.send(cheap, "hi")  # the latest activity
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        screen = app.screen
        assert isinstance(screen, CockpitScreen)
        await pilot.press("c")
        assert shown_titles(screen)[:2] == ["Dear", "Cheap"]
        assert "by cost" in str(screen.query_one(DataTable).border_title)
        await pilot.press("r")
        assert shown_titles(screen)[:2] == ["Dear", "Cheap"]
        await pilot.press("a")
        assert shown_titles(screen)[0] == "Cheap"
        assert set(shown_titles(screen)) == {"Session 1", "Cheap", "Dear", "Idle"}


async def test_enter_shows_the_highlighted_session(server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(server))
    async with app.run_test(size=(120, 40)) as pilot:
        other, shown = await sessions(app, pilot, "Other", "Shown")
        assert app.current is shown
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        screen = app.screen
        assert isinstance(screen, CockpitScreen)
        screen.query_one(DataTable).move_cursor(row=screen.shown_ids.index(other.id))
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current is other and not isinstance(app.screen, CockpitScreen))
        assert app.query_one("#session-title").render().plain.startswith("Other")  # type: ignore[attr-defined]
        # Also in the palette, by the names F1 gives them.
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Cockpit: every session's cost, live", "Inbox of questions waiting in every session"} <= titles
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        await pilot.press("f7")  # its own key closes it
        await wait_until(pilot, lambda: not isinstance(app.screen, CockpitScreen))


def test_credits_are_totalled_apart_from_dollars_and_unknown_is_never_zero() -> None:
    dollars = Cost(2_500, "micros", entries=2)
    credits = Cost(12, "credits", entries=1)
    unknown = Cost(0, "micros", unknown=True, unknown_turns=1)
    totals = CockpitTotals({"micros": unknown}, {"micros": dollars, "credits": credits}, AllCost({"micros": dollars, "credits": credits}))
    assert totals_text(totals, 2).split("\n") == [
        "Today unknown · this week $0.0025 · all sessions $0.0025",
        "Credits: today 0 credits · this week 12 credits · all sessions 12 credits",
        "? 2 questions wait on you (F6: inbox)",
    ]
