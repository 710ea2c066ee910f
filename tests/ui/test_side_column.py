"""The side column at every size (issue 15): Ctrl+B hides and shows it, at 80x24 the list keeps
six sessions in view with one line of status each, and at 60x15 the chat keeps the width."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
from textual.widgets import ListView, Static

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem
from tui_app.ui.widgets.side_column import SideColumn
from tui_app.ui.widgets.transcript.transcript_view import MessageView, TranscriptView
from tui_app.ui.widgets.usage_panel import UsagePanel

LONG_TITLE = "A session whose title is far too long for any side column"


async def sessions(app: TuiApp, pilot, titles: list[str], reply: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The app's first session, then `titles`; the last one on screen, with one reply, so the
    usage panel has all its figures."""
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    for title in titles:
        app.new_session(title)
    await wait_until(
        pilot,
        lambda: len(app.sessions) == len(titles) + 1 and all(s.state == "ready" for s in app.sessions.values()),
    )
    if reply:
        app.query_one(Composer).insert("hello")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 1)
    await pilot.pause()


def rows(app: TuiApp) -> list[SessionItem]:
    return list(app.query(SessionItem))


def lines(item: SessionItem) -> list[str]:
    rendered = item.query_one(RowText).render()
    assert isinstance(rendered, Content)
    return rendered.plain.split("\n")


def title(app: TuiApp) -> str:
    return str(app.query_one("#session-title", Static).render())


def fully_inside(inner: Region, outer: Region) -> bool:
    return outer.contains_region(inner)


async def test_ctrl_b_hides_and_shows_the_side_column_and_f1_lists_it(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await sessions(app, pilot, ["Second"], reply=False)
        side = app.query_one(SideColumn)
        transcript = app.query_one(TranscriptView)
        assert side.display and transcript.size.width < 100
        assert "toggle-side" in [active.binding.id for active in app.active_bindings.values() if active.binding.show]

        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not side.display
        assert transcript.size.width > 110  # the chat takes the whole width
        assert app.focused is app.query_one(Composer)
        # The other sessions, and the way back to them, are named above the transcript.
        assert title(app).endswith("(2 sessions: ctrl+b)")

        await pilot.press("ctrl+b")
        await pilot.pause()
        assert side.display and transcript.size.width < 100
        assert "sessions:" not in title(app)
        assert ("toggle-side", "ctrl+b") in [(info.id, info.keys) for info in app.binding_catalogue()]


async def test_at_80x24_six_sessions_show_in_full_with_one_line_of_status_each(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        await sessions(app, pilot, ["Second", LONG_TITLE, "Fourth", "Fifth", "Sixth"])
        await pilot.pause()
        listed = app.query_one("#session-list", ListView)
        shown = [item for item in rows(app) if fully_inside(item.region, listed.region)]
        assert len(shown) >= 6, f"only {len(shown)} sessions in view"
        for item in shown:
            assert item.region.height == 2  # a title line and one line of status, nothing wrapped
            title, status = lines(item)
            assert len(title) <= item.query_one(RowText).size.width
            assert len(status) <= item.query_one(RowText).size.width
        long_row = next(item for item in rows(app) if app.sessions[item.session_id].title == LONG_TITLE)
        title, _status = lines(long_row)
        assert "…" in title and title.rstrip().endswith("$0.00")  # cut, and the cost still shown
        assert LONG_TITLE in str(long_row.tooltip)  # the full title is there for the asking
        # The usage panel still gives the session on screen's figures, in a few lines.
        usage = app.query_one(UsagePanel)
        assert usage.display and usage.region.height <= 7
        assert "session" in str(usage.query_one("#usage-compact").render())


async def test_at_60x15_the_chat_keeps_the_width_and_ctrl_b_brings_the_list(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(60, 15)) as pilot:
        await sessions(app, pilot, ["Second", "Third", "Fourth", "Fifth", "Sixth"], reply=False)
        side = app.query_one(SideColumn)
        transcript = app.query_one(TranscriptView)
        composer = app.query_one(Composer)
        assert not side.display  # hidden by itself: 60 columns are the chat's
        assert transcript.size.width >= 55 and transcript.size.height >= 5
        assert composer.region.width == 60
        assert title(app).endswith("(6 sessions: ctrl+b)")

        # The composer still sends, and the reply is in view.
        composer.insert("hello from a small terminal")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and len(app.query(MessageView)) == 2)
        assert any(view.region.overlaps(transcript.region) for view in app.query(MessageView))

        await pilot.press("ctrl+b")
        await pilot.pause()
        assert side.display and transcript.size.width >= 30
        listed = app.query_one("#session-list", ListView)
        assert len([item for item in rows(app) if fully_inside(item.region, listed.region)]) >= 6
        assert not app.query_one(UsagePanel).display  # no room for it: the list has the column

        # The list has the focus: Up and Enter pick a session.
        assert app.focused is listed
        await pilot.press(*["up"] * 5, "enter")
        await wait_until(pilot, lambda: app.current is app.workspace.order[0])
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not side.display
        assert app.focused is not None and not app.focused.has_class("-hidden") and app.focused.display
