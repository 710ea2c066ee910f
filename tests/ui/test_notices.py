"""Notifications: short, one per topic, never over the composer, withdrawn once untrue, and kept
in a history (F3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable
from textual.widgets._toast import Toast  # (the test reads what is on screen; the app does not)

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import load_settings
from tui_app.ui.app import TuiApp
from tui_app.ui.flows import notices
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.screens.notice_history import NoticeHistoryScreen
from tui_app.ui.widgets.composer import Composer
from tests.conftest import connection_to


def ready(app: TuiApp) -> bool:
    return app.current is not None and app.current.state == "ready"


def toasts(app: TuiApp) -> list[Toast]:
    return list(app.screen.query(Toast))


def toast_text(app: TuiApp) -> list[str]:
    return [str(toast.render()) for toast in toasts(app)]


@pytest.fixture
def lasting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts that outlast a slow test run: these tests are about what takes a toast away."""
    monkeypatch.setattr(notices, "SECONDS", {"information": 600.0, "warning": 600.0, "error": 600.0})


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_notification_never_covers_the_composer(connection: Connection, size: tuple[int, int], lasting: None) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        app.notify("A long notification " * 12, title="Several lines", severity="error")
        app.notify("and another one", title="Second")
        await wait_until(pilot, lambda: len(toasts(app)) == 2)
        await pilot.pause()
        composer = app.query_one(Composer).region
        title = app.query_one("#session-title").region
        for toast in toasts(app):
            assert toast.region.height > 0
            assert not toast.region.overlaps(composer) and not toast.region.overlaps(title)


async def test_notifications_are_short_and_errors_longer(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        info = app.notices.show("saved")
        error = app.notices.show("not sent", severity="error", timeout=15)  # asked for 15 s: capped
    assert info.timeout <= 4
    assert info.timeout < error.timeout <= 8


async def test_a_newer_notice_of_a_topic_replaces_the_older(connection: Connection, lasting: None) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        app.notify("spent $0.10", title="Budget", severity="warning")
        app.notify("something else", title="Other")
        await wait_until(pilot, lambda: len(toasts(app)) == 2)
        app.notify("spent $0.20", title="Budget", severity="warning")
        await wait_until(pilot, lambda: any("$0.20" in text for text in toast_text(app)))
        await pilot.pause()
        shown = toast_text(app)
        assert len(shown) == 2 and not any("$0.10" in text for text in shown)
        assert [entry.message for entry in app.notices.history][-3:] == ["spent $0.10", "something else", "spent $0.20"]


async def test_start_up_problems_are_one_notification_and_each_is_in_the_history(
    connection: Connection, tmp_path: Path, lasting: None
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('frame_rate = 500\ncolour = 1\nbell = "loud"\n[keys]\n"audit-log" = "f11"\n', encoding="utf-8")
    app = TuiApp(connection, settings=load_settings(config, env={}))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await wait_until(pilot, lambda: len(toasts(app)) >= 1)
        await pilot.pause()
        assert len(toasts(app)) == 1
        (shown,) = toast_text(app)
        assert "config.toml, line 1: frame_rate" in shown and "1 more" in shown
        said = [entry.message for entry in app.notices.history if entry.title == "Settings"]
        assert len(said) == 3 and any("line 3: bell" in line for line in said)
        # The rest of the file applies: the remap is in force.
        assert app.settings.keys == {"audit-log": "f11"} and app.settings.frame_rate == 30


async def test_the_history_lists_what_was_said_newest_first_on_f3(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        app.notify("[b]first[/b]", title="One")
        app.notify("second [not markup]", title="Two", markup=False)
        await pilot.pause()
        await pilot.press("f3")
        assert isinstance(app.screen, NoticeHistoryScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][2] == "Two: second [not markup]" and rows[1][2] == "One: first"
        assert rows[0][0].count(":") == 2  # HH:MM:SS
        await pilot.press("escape")
        assert not isinstance(app.screen, NoticeHistoryScreen)
        assert any(info.id == "notice-history" and info.keys == "f3" for info in app.binding_catalogue())
        assert "Notification history" in [command.title for command in app.get_system_commands(app.screen)]


async def test_a_question_notice_goes_once_you_switch_to_the_session(connection: Connection, lasting: None) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        asking = app.current
        assert asking is not None
        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not asking and ready(app))
        app.workspace.start_send(asking, "ask me, in the background")
        await wait_until(pilot, lambda: any("switch to it to answer" in text for text in toast_text(app)))
        await pilot.click(f"#session-{asking.id}")
        await wait_until(pilot, lambda: app.current is asking)
        await wait_until(pilot, lambda: not any("switch to it to answer" in text for text in toast_text(app)))
        assert any("switch to it to answer" in entry.message for entry in app.notices.history)


async def test_a_budget_notice_shows_todays_figures(connection: Connection, tmp_path: Path, lasting: None) -> None:
    # One demo turn costs about $0.0016: past this budget after the first reply.
    config = tmp_path / "config.toml"
    config.write_text('[budget]\nsession_usd = "0.001"\n', encoding="utf-8")
    app = TuiApp(connection, settings=load_settings(config, env={}))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        composer = app.query_one(Composer)
        composer.insert("first")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("reached its budget" in text for text in toast_text(app)))
        (first,) = [text for text in toast_text(app) if "budget" in text]
        composer.insert("second")
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.current is not None and len(app.current.transcript.turns) == 2 and ready(app))
        await pilot.pause()
        budget = [text for text in toast_text(app) if "budget" in text]
        assert len(budget) == 1 and budget[0] != first  # one toast, with the amount spent now
        spent = app.workspace.budgets.check(app.current).sentence(app.current.title)
        assert spent in budget[0]


async def test_a_failed_session_says_why_in_the_composer_once_the_toast_is_gone(tmp_path: Path) -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, fail_next=[500, 500, 500, 500])) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "failed", timeout=30)
            app.clear_notifications()
            await pilot.pause()
            title = str(app.query_one(Composer).border_title)
            assert "see the notification" not in title
            assert title.startswith("Session failed: ") and "HTTP 500" in title
