"""In the app, a budget set to stop cancels the turn at the limit: the reply ends with the line
that says why, and the budget toast keeps saying the turn was stopped as its figures move on."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._toast import Toast  # (the test reads what is on screen; the app does not)

from tests.conftest import connection_to, wait_until
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import load_settings
from tui_app.ui.app import TuiApp
from tui_app.ui.flows import notices
from tui_app.ui.widgets.composer import Composer
from tui_app.workspace.budgets import STOP_PART_KIND


@pytest.fixture
def lasting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notices, "SECONDS", {"information": 600.0, "warning": 600.0, "error": 600.0})


def budget_toasts(app: TuiApp) -> list[str]:
    return [text for text in (str(toast.render()) for toast in app.screen.query(Toast)) if "budget" in text]


async def test_a_stopping_budget_cancels_the_turn_and_says_so(tmp_path: Path, lasting: None) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[budget]\nsession_usd = "0.0003"\non_limit = "stop"\n', encoding="utf-8")
    with EmbeddedServer(ServerOptions(tokens_per_second=20, usage_every_tokens=4)) as server:
        app = TuiApp(connection_to(server), settings=load_settings(config, env={}))
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            assert session is not None
            app.query_one(Composer).insert("think about a long trip through Europe")
            await pilot.press("enter")
            await wait_until(
                pilot, lambda: bool(session.transcript.turns) and session.transcript.turns[-1].state == "cancelled"
            )
            await wait_until(pilot, lambda: session.state == "ready")
            await pilot.pause()
            [reply] = [m for m in session.transcript.messages if m.role == "assistant"]
            assert any(p.kind == STOP_PART_KIND and "Stopped by the budget" in p.text for p in reply.parts)
            # The cancelled turn's last usage report came after the stop: the toast has its figures
            # and still says the turn was stopped.
            [toast] = budget_toasts(app)
            assert "The running turn was stopped" in toast
            spent = app.workspace.budgets.check(session).sentence(session.title)
            assert spent in toast
