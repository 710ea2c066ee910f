"""Snapshots of the cockpit and the inbox of questions at 80x24 and 120x40. The cockpit's clock
is pinned (sessions opened at t=1000, their turns at t=1030, looked at t=1060), so the rates are
the same on every run; the inbox's waited times are pinned as the message clock is."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import Budget, LoadedSettings, Settings
from tui_app.ui.app import TuiApp
from tui_app.ui.screens import inbox
from tui_app.ui.screens.cockpit import CockpitScreen
from tui_app.ui.screens.inbox import InboxScreen
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.workspace import cockpit

FIXED = LoadedSettings(Settings(), Path("/home/user/.config/tui-app/config.toml"))
BUDGETED = LoadedSettings(
    Settings(budget=Budget(session_usd=Decimal("0.003"), overall_usd=Decimal("0.005"))),
    Path("/home/user/.config/tui-app/config.toml"),
)
"""The cockpit's snapshots show the budgets: their share in the table, their lines on the chart."""


class Clock:
    now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    pinned = Clock()
    monkeypatch.setattr(cockpit, "CLOCK", pinned)
    monkeypatch.setattr(inbox, "waited_text", lambda seconds: "1m 05s")
    return pinned


def two_sessions_spent(clock: Clock):  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        research = app.new_session("Research")
        await wait_until(pilot, lambda: research.state == "ready")
        clock.now = 1_030.0
        await app.workspace.send(app.sessions[next(iter(app.sessions))], "hello")
        await app.workspace.send(research, "a longer question about the quarterly figures " * 4)
        app.workspace.start_send(research, "ask me")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog) and app.screen.armed)
        await pilot.press("escape")  # later: it waits on you
        await wait_until(pilot, lambda: not app.screen.is_modal)
        clock.now = 1_060.0
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
        await pilot.pause()

    return run


def inbox_of_two(clock: Clock):  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        made = [app.new_session(title) for title in ("Research", "A review of the quarterly figures, line by line")]
        await wait_until(pilot, lambda: all(s.state == "ready" for s in made))
        await pilot.press("ctrl+g", "1")
        await wait_until(pilot, lambda: app.current not in made)
        for session, text in zip(made, ("ask me", "quiz me"), strict=True):
            app.workspace.start_send(session, text)
            await wait_until(pilot, lambda: session.state == "asking")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen) and len(app.screen.shown) == 2)
        app.clear_notifications()  # the toasts that announced them time out; the inbox stays
        await pilot.pause()

    return run


def test_cockpit_at_80x24(snap_compare, connection: Connection, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(TuiApp(connection, settings=BUDGETED), terminal_size=(80, 24), run_before=two_sessions_spent(clock))


def test_cockpit_at_120x40(snap_compare, connection: Connection, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(TuiApp(connection, settings=BUDGETED), terminal_size=(120, 40), run_before=two_sessions_spent(clock))


def test_inbox_at_80x24(snap_compare, connection: Connection, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(TuiApp(connection, settings=FIXED), terminal_size=(80, 24), run_before=inbox_of_two(clock))


def test_inbox_at_120x40(snap_compare, connection: Connection, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(TuiApp(connection, settings=FIXED), terminal_size=(120, 40), run_before=inbox_of_two(clock))
