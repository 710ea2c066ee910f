"""What each screen looks like, compared with stored SVG snapshots (pytest-textual-snapshot).

Update them after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.settings.user_settings import LoadedSettings, Settings, load_settings
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import MessageView

SIZE = (110, 34)


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app = pilot.app
    app.query_one(Composer).cursor_blink = False  # a blinking cursor would make snapshots flaky
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")


def test_empty_app(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=ready)


def test_app_after_one_reply(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def one_reply(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        app = pilot.app
        app.query_one(Composer).insert("hello there")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.current.state == "ready"
            and len(app.query(MessageView)) == 2
            and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].text,
        )
        await pilot.pause()

    assert snap_compare(TuiApp(connection), terminal_size=SIZE, run_before=one_reply)


# A fixed settings path: the help and settings screens show it, and it must not depend on $HOME.
FIXED = LoadedSettings(Settings(), Path("/home/user/.config/tui-app/config.toml"))


def app_with(connection: Connection, settings: LoadedSettings = FIXED) -> TuiApp:
    return TuiApp(connection, settings=settings)


async def reply_to(pilot, text: str, turns: int) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    app.query_one(Composer).insert(text)
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: app.current.state == "ready"
        and len(app.current.transcript.turns) == turns
        and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].display_text,
    )
    await pilot.pause()


def test_keys_help(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def open_help(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await pilot.press("f1")

    assert snap_compare(app_with(connection), terminal_size=SIZE, run_before=open_help)


def test_new_session_form(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def open_form(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await pilot.press("ctrl+n", *"Contract review")
        pilot.app.screen.query_one("#new-title").cursor_blink = False

    assert snap_compare(app_with(connection), terminal_size=SIZE, run_before=open_form)


def test_settings_screen(snap_compare, connection: Connection, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_settings(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await pilot.press("f2")
        await pilot.pause()

    assert snap_compare(app_with(connection), terminal_size=SIZE, run_before=open_settings)


def test_budget_confirmation(snap_compare, connection: Connection, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text('[budget]\nsession_usd = "0.001"\n', encoding="utf-8")
    settings = load_settings(config, env={})
    settings.path = FIXED.path

    async def past_budget(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await reply_to(pilot, "hello there", 1)
        pilot.app.clear_notifications()
        pilot.app.query_one(Composer).insert("and again")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_with(connection, settings), terminal_size=SIZE, run_before=past_budget)


def test_question_dialog(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def asked(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        app = pilot.app
        app.query_one(Composer).insert("ask me")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        await pilot.pause(0.6)  # armed

    assert snap_compare(app_with(connection), terminal_size=SIZE, run_before=asked)


def test_audit_log_after_a_tool_call(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def audit(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await reply_to(pilot, "tool", 1)
        await pilot.press("ctrl+l")
        await pilot.pause()

    assert snap_compare(app_with(connection), terminal_size=SIZE, run_before=audit)


def test_two_sessions_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    async def two(pilot) -> None:  # type: ignore[no-untyped-def]
        await ready(pilot)
        await reply_to(pilot, "hello", 1)
        await pilot.press("ctrl+n", *"Research", "enter")
        await wait_until(pilot, lambda: pilot.app.current.title == "Research" and pilot.app.current.state == "ready")
        pilot.app.query_one(Composer).cursor_blink = False
        await reply_to(pilot, "think about it", 1)

    assert snap_compare(app_with(connection), terminal_size=(80, 24), run_before=two)
