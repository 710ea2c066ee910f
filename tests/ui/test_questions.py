"""Questions from the agent, answered in the app, against the embedded server."""

from __future__ import annotations

from textual.widgets import Input, RadioButton, SelectionList

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.widgets.composer import Composer


async def ready_app(app: TuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")


async def ask(app: TuiApp, pilot, text: str) -> QuestionDialog:  # type: ignore[no-untyped-def]
    composer = app.query_one(Composer)
    composer.insert(text)
    composer.action_send()
    await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
    dialog = app.screen
    assert isinstance(dialog, QuestionDialog)
    await wait_until(pilot, lambda: dialog.armed)
    return dialog


def last_reply(app: TuiApp) -> str:
    return app.current.transcript.messages[-1].text  # type: ignore[union-attr]


async def test_a_question_opens_a_dialog_and_the_answers_continue_the_turn(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        dialog = await ask(app, pilot, "quiz me")
        assert app.current.state == "asking"  # type: ignore[union-attr]
        await pilot.click(RadioButton)  # the first option: Short
        topics = dialog.query_one("#choices-1", SelectionList)
        topics.select("Cost")
        topics.select("Questions")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert not isinstance(app.screen, QuestionDialog)
        assert "You answered my questions: Short; Cost, Questions." in last_reply(app)


async def test_a_typed_answer_is_sent_with_enter(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        dialog = await ask(app, pilot, "ask me")
        await pilot.click("#custom-0")
        dialog.query_one("#custom-0", Input).insert_text_at_cursor("Just a haiku")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert "You answered my question: Just a haiku." in last_reply(app)


async def test_keys_typed_as_the_dialog_opens_do_not_answer_it(connection: Connection, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tui_app.ui.screens import question_dialog

    monkeypatch.setattr(question_dialog, "ARM_SECONDS", 30.0)  # hold the unarmed moment still
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        composer = app.query_one(Composer)
        composer.insert("ask me")
        composer.action_send()
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        dialog = app.screen
        assert isinstance(dialog, QuestionDialog) and not dialog.armed
        await pilot.press("space", "enter", "ctrl+s")  # keys in flight for the composer
        dialog.action_submit()
        assert app.screen is dialog and app.current.state == "asking"  # type: ignore[union-attr]
        assert app.current.transcript.pending_questions  # type: ignore[union-attr]


async def test_later_keeps_the_question_waiting_and_ctrl_a_brings_it_back(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        await ask(app, pilot, "ask me")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuestionDialog))
        assert app.current.state == "asking" and len(app.current.transcript.pending_questions) == 1  # type: ignore[union-attr]
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        await wait_until(pilot, lambda: app.screen.armed)  # type: ignore[attr-defined]
        await pilot.press("ctrl+x")  # cancel the turn from the dialog
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert app.current.transcript.last_turn.state == "cancelled"  # type: ignore[union-attr]
        assert app.current.transcript.pending_questions == ()  # type: ignore[union-attr]


async def test_a_question_in_a_background_session_is_announced_and_opens_on_switching(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        asking = app.current
        await pilot.press("ctrl+n", "enter")
        await wait_until(pilot, lambda: app.current is not asking and app.current.state == "ready")  # type: ignore[union-attr]
        # The first session, now off screen, sends and gets a question.
        app.workspace.start_send(asking, "ask me, in the background")  # type: ignore[arg-type]
        await wait_until(pilot, lambda: asking.state == "asking")  # type: ignore[union-attr]
        await pilot.pause(0.2)
        assert not isinstance(app.screen, QuestionDialog)
        assert any("asks a question" in n.message for n in app.notices.history)
        await pilot.click(f"#session-{asking.id}")  # type: ignore[union-attr]
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        await wait_until(pilot, lambda: app.screen.armed)  # type: ignore[attr-defined]
        await pilot.click(RadioButton)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: asking.state == "ready")  # type: ignore[union-attr]
        assert "You answered my question: Short." in asking.transcript.messages[-1].text  # type: ignore[union-attr]
