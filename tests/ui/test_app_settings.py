"""What the user's settings change in the running app: keys, themes, budgets; and the
session actions that come with them (new with a title, rename, delete local history)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from tests.conftest import wait_until
from tests.ui.test_app_pilot import send, send_now, turn_done
from tui_app.settings.backend_choice import ApiKey
from tui_app.backends.connection import Connection
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.user_settings import LoadedSettings, Settings, load_settings
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.ui.remembered import Remembered
from tui_app.ui.screens.confirm import ConfirmScreen
from tui_app.ui.screens.help import HelpScreen
from tui_app.ui.screens.new_session import NewSessionScreen
from tui_app.ui.widgets.composer import Composer


def with_settings(tmp_path: Path, text: str) -> LoadedSettings:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env={})


def ready(app: TuiApp) -> bool:
    return app.current is not None and app.current.state == "ready"


def notified(app: TuiApp, words: str) -> bool:
    return any(words in str(n.message) for n in app.notices.history)


async def test_keys_from_the_config_file_replace_the_defaults(connection: Connection, tmp_path: Path) -> None:
    settings = with_settings(tmp_path, '[keys]\n"new-session" = "f2"\nsend = "ctrl+s"\n"no-such-thing" = "f3"\n')
    app = TuiApp(connection, settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert notified(app, "[keys] has no binding called no-such-thing")
        await pilot.press("ctrl+n")
        assert not isinstance(app.screen, NewSessionScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, NewSessionScreen)
        await pilot.press("escape")
        # Enter now adds a line; the remapped key sends.
        await pilot.click(Composer)
        await pilot.press("h", "i", "enter", "y", "o")
        composer = app.query_one(Composer)
        assert composer.text == "hi\nyo"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: turn_done(app, 1))
        assert app.current is not None and app.current.transcript.messages[0].text == "hi\nyo"


async def test_the_help_screen_lists_every_binding_with_its_id(connection: Connection, tmp_path: Path) -> None:
    settings = with_settings(tmp_path, '[keys]\n"audit-log" = "f11"\n')
    app = TuiApp(connection, settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[2]): str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        for binding_id in ("quit", "cancel", "new-session", "send", "newline", "question-submit", "help"):
            assert binding_id in rows
        assert rows["audit-log"] == "f11 *"
        assert rows["newline"] == "ctrl+j, shift+enter"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_offers_every_action(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        app.new_session("Other")
        await wait_until(pilot, lambda: ready(app) and app.current is not None and app.current.title == "Other")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in ("New session", "Audit log", "Keys", "Rename session", "Delete local history", "Next session"):
            assert title in titles
        assert "Switch to Session 1" in titles
        assert "Cancel turn" not in titles  # nothing is running
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Switch to Session 1")
        await command.callback()  # type: ignore[misc]
        assert app.current is not None and app.current.title == "Session 1"


async def test_a_theme_picked_in_the_app_is_used_next_time(connection: Connection, tmp_path: Path) -> None:
    app = TuiApp(connection, remembered=Remembered.load(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "tui-app-dark"
        app.theme = "tui-app-light"
        await pilot.pause()
    again = TuiApp(connection, remembered=Remembered.load(tmp_path))
    async with again.run_test(size=(100, 30)):
        assert again.theme == "tui-app-light"


async def test_user_themes_come_from_the_config_directory(connection: Connection, tmp_path: Path) -> None:
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "mine.toml").write_text('name = "mine"\nprimary = "#ff8800"\ndark = true\n')
    (tmp_path / "themes" / "broken.toml").write_text("name = \n")
    app = TuiApp(connection, settings=with_settings(tmp_path, 'theme = "mine"\n'))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "mine"
        await pilot.pause()
        assert notified(app, "broken.toml skipped")


async def test_a_budget_warns_then_asks_before_sending_past_it(connection: Connection, tmp_path: Path) -> None:
    # One demo turn costs about $0.0016: past this budget after the first reply.
    app = TuiApp(connection, settings=with_settings(tmp_path, '[budget]\nsession_usd = "0.001"\n'))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await send(app, pilot, "first")
        await wait_until(pilot, lambda: turn_done(app, 1))
        await wait_until(pilot, lambda: notified(app, "reached its budget of $0.001"))
        assert "budget" in str(app.query_one("#usage-session").render())

        await send(app, pilot, "second")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.query_one(Composer).text == "second"  # nothing typed is lost
        assert app.current is not None and len(app.current.transcript.turns) == 1

        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: turn_done(app, 2))
        assert app.query_one(Composer).text == ""


async def test_new_session_with_a_title_then_rename_and_delete_its_history(
    connection: Connection, tmp_path: Path
) -> None:
    store = Store(tmp_path / "sessions.db")
    app = TuiApp(connection, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, NewSessionScreen)
        for key in "Research":
            await pilot.press(key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: ready(app) and app.current is not None and app.current.title == "Research")
        session = app.current
        assert session is not None

        await pilot.press("ctrl+r")
        await pilot.press("ctrl+u", *"Law review", "enter")
        assert session.title == "Law review"
        assert store.session(session.id).title == "Law review"  # type: ignore[union-attr]

        await pilot.press("f8")  # a live session: refused, and told why
        assert notified(app, "end it first")
        await pilot.press("ctrl+t", "y")
        await wait_until(pilot, lambda: session.state == "ended")
        await pilot.press("f8")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: session.id not in app.sessions)
        assert store.session(session.id) is None
        assert app.current is not None and app.current.title == "Session 1"
    store.close()


async def test_stewrd_credits_left_show_in_the_panel(tmp_path: Path) -> None:
    with EmbeddedServer() as stewrd_server:
        connection = Connection("stewrd", stewrd_server.base_url, ApiKey(stewrd_server.api_key))
        app = TuiApp(connection, settings=LoadedSettings(Settings(), tmp_path / "c.toml"))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: ready(app))
            await send_now(app, pilot, "hello")
            await wait_until(pilot, lambda: app.current is not None and len(app.current.transcript.turns) == 1 and ready(app))
            turn = app.current.transcript.turns[0]  # type: ignore[union-attr]
            assert turn.usage is not None and turn.usage.credits_remaining is not None
            left = f"left    {turn.usage.credits_remaining:,} credits"
            await wait_until(pilot, lambda: left in str(app.query_one("#usage-session").render()), timeout=3)


async def test_the_idle_timeout_setting_reaches_the_service(
    connection: Connection, server: EmbeddedServer, tmp_path: Path
) -> None:
    app = TuiApp(connection, settings=with_settings(tmp_path, "idle_timeout_s = 120\n"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert app.current is not None and app.current.remote is not None
        assert app.current.remote.idle_timeout_ms == 120_000
        assert server.registry.chats[app.current.remote.id].idle_timeout_ms == 120_000


async def test_the_settings_screen_applies_and_saves_after_asking(connection: Connection, tmp_path: Path) -> None:
    from textual.widgets import Input

    from tui_app.ui.screens.settings_screen import SettingsScreen

    config = tmp_path / "config.toml"
    config.write_text("# mine\n[keys]\n\"audit-log\" = \"f11\"\n", encoding="utf-8")
    app = TuiApp(connection, settings=load_settings(config, env={}), remembered=Remembered.load(tmp_path))
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#session-usd", Input).value = "abc"
        screen.query_one("#frame-rate", Input).value = "500"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SettingsScreen)  # refused, and says why
        assert "budget.session_usd: 'abc' is not a number" in str(screen.query_one("#settings-problems").render())
        screen.query_one("#session-usd", Input).value = ""
        await pilot.press("ctrl+s")
        assert "frame_rate: Input should be less than or equal to 120" in str(
            screen.query_one("#settings-problems").render()
        )
        screen.query_one("#frame-rate", Input).value = "20"
        screen.query_one("#session-usd", Input).value = "0.25"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.settings.budget.session_micros == 250_000  # applied already
        assert config.read_text(encoding="utf-8").startswith("# mine\n")  # not yet written
        await pilot.press("y")
        await pilot.pause()
    saved = load_settings(config, env={})
    assert saved.problems == []
    assert (saved.settings.frame_rate, saved.settings.budget.session_micros) == (20, 250_000)
    assert saved.settings.keys == {"audit-log": "f11"}
    assert config.read_text(encoding="utf-8").startswith("# mine\n")


async def test_search_jumps_to_the_message_and_export_writes_the_session(
    connection: Connection, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input, OptionList

    from tui_app.ui.screens.export_screen import ExportScreen
    from tui_app.ui.screens.search import SearchScreen
    from tui_app.ui.widgets.transcript.transcript_view import MessageView

    monkeypatch.chdir(tmp_path)
    store = Store(tmp_path / "sessions.db")
    app = TuiApp(connection, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        first = app.current
        await send(app, pilot, "platypus venom facts")
        await wait_until(pilot, lambda: turn_done(app, 1))
        app.new_session("Second")
        await wait_until(pilot, lambda: ready(app) and app.current is not None and app.current.title == "Second")

        await pilot.press("ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "platypus"
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count >= 1)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.current is first and bool(app.query(".-found")))
        found = app.query_one(".-found", MessageView)
        assert found.message_id == first.transcript.messages[0].id  # type: ignore[union-attr]

        await pilot.press("f9")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: notified(app, "exported to"))
    exported = list(tmp_path.glob("session-1-*.md"))
    assert len(exported) == 1
    text = exported[0].read_text(encoding="utf-8")
    assert "platypus venom facts" in text and "$0.00" in text
    store.close()
