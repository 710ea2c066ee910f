"""The budget's `on_limit` in the F2 settings form: chosen there, applied at once and saved to
config.toml with the rest of the budget; a budget that stops then cancels the running turn."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Select

from tests.conftest import connection_to, wait_until
from tui_app.core.cost import session_cost
from tui_app.core.money import format_micros
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import load_settings
from tui_app.ui.app import TuiApp
from tui_app.ui.remembered import Remembered
from tui_app.ui.screens.cockpit import COLUMNS, CockpitScreen
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.screens.settings_screen import SettingsScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.workspace.budgets import STOP_PART_KIND


async def test_stop_at_the_limit_is_chosen_in_the_form_saved_and_enforced(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('# mine\n[budget]\nsession_usd = "0.0003"\n', encoding="utf-8")
    with EmbeddedServer(ServerOptions(tokens_per_second=20, usage_every_tokens=4)) as server:
        app = TuiApp(connection_to(server), settings=load_settings(config, env={}), remembered=Remembered.load(tmp_path))
        async with app.run_test(size=(100, 34)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            assert app.settings.budget.on_limit == "warn"
            await pilot.press("f2")
            screen = app.screen
            assert isinstance(screen, SettingsScreen)
            choice = screen.query_one("#on-limit", Select)
            assert choice.value == "warn"
            choice.value = "stop"
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert app.settings.budget.on_limit == "stop"  # applied already
            await pilot.press("y")
            await wait_until(pilot, lambda: not app.screen.is_modal)

            # The budget now stops a turn at the limit.
            session = app.current
            assert session is not None
            app.query_one(Composer).insert("think about a long trip through Europe")
            await pilot.press("enter")
            await wait_until(pilot, lambda: bool(session.transcript.turns) and session.transcript.turns[-1].state == "cancelled")
            [reply] = [m for m in session.transcript.messages if m.role == "assistant"]
            assert any(p.kind == STOP_PART_KIND for p in reply.parts)
            # What it cost so far is recorded, and the cockpit shows it past the budget.
            spent = session_cost(app.workspace.book.ledger, session.id, "micros").exact
            assert spent is not None and spent >= 300
            await pilot.press("f7")
            await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
            cockpit = app.screen
            assert isinstance(cockpit, CockpitScreen)
            row = cockpit.query_one(DataTable).get_row(session.id)
            assert str(row[COLUMNS.index("Cost")]) == format_micros(spent)
            assert str(row[COLUMNS.index("Budget")]) == f"{spent / 300:.0%}"
    saved = load_settings(config, env={})
    assert saved.problems == []
    assert (saved.settings.budget.on_limit, saved.settings.budget.session_micros) == ("stop", 300)
    assert config.read_text(encoding="utf-8").startswith("# mine\n")
