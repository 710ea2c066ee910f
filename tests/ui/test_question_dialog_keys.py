"""The question dialog on a small terminal, driven by the keyboard alone, against the embedded server."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input, RadioSet, SelectionList

from tests.conftest import wait_until
from tests.ui.test_questions import ask, ready_app
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.question_dialog import QuestionDialog


def fully_visible(widget: Widget) -> bool:
    """Whether every row of `widget` is on screen, inside the scrolled body that holds it."""
    region = widget.region
    body = widget.screen.query_one("#question-body").region
    screen = widget.screen.region
    return region.height > 0 and body.contains_region(region) and screen.contains_region(region)


async def test_every_question_and_the_typed_answer_are_reachable_by_keyboard_at_80x24(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_app(app, pilot)
        dialog = await ask(app, pilot, "quiz me")
        fields = [
            dialog.query_one("#choices-0", RadioSet),
            dialog.query_one("#custom-0", Input),
            dialog.query_one("#choices-1", SelectionList),
        ]
        await wait_until(pilot, lambda: app.focused is fields[0])  # the dialog focuses its first field
        reached = []
        for _ in range(6):
            await pilot.pause()
            if app.focused in fields:
                await wait_until(pilot, lambda: fully_visible(app.focused))  # type: ignore[arg-type]
                reached.append(app.focused)
            await pilot.press("tab")
        assert all(field in reached for field in fields)
        # The buttons stay on screen while the questions scroll.
        assert all(dialog.screen.region.contains_region(button.region) for button in dialog.query("Button"))

        # Answered by keyboard alone: a typed answer, then a topic.
        dialog.query_one("#custom-0", Input).focus()
        await pilot.press(*"a haiku")
        dialog.query_one("#choices-1", SelectionList).focus()
        await pilot.press("space")  # the highlighted first topic: Cost
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert "You answered my questions: a haiku; Cost." in app.current.transcript.messages[-1].text  # type: ignore[union-attr]


async def test_ctrl_x_cancels_the_turn_from_the_typed_answer_field(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        dialog = await ask(app, pilot, "ask me")
        typed = dialog.query_one("#custom-0", Input)
        typed.focus()
        await pilot.press(*"half an ans")
        await pilot.press("ctrl+x")
        await wait_until(pilot, lambda: app.current.state == "ready")  # type: ignore[union-attr]
        assert not isinstance(app.screen, QuestionDialog)
        assert app.current.transcript.last_turn.state == "cancelled"  # type: ignore[union-attr]


async def test_escape_in_the_typed_answer_field_still_defers_the_question(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        dialog = await ask(app, pilot, "ask me")
        dialog.query_one("#custom-0", Input).focus()
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuestionDialog))
        assert app.current.state == "asking" and len(app.current.transcript.pending_questions) == 1  # type: ignore[union-attr]


async def test_on_a_short_terminal_the_first_question_and_its_options_are_in_view(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(60, 15)) as pilot:
        await ready_app(app, pilot)
        dialog = await ask(app, pilot, "quiz me")
        await pilot.pause(0.3)
        region = dialog.query_one("#question-body").region
        options = dialog.query(RadioSet).first().region
        assert region.contains_region(options)  # the options were scrolled off: 2 rows were left
        assert not dialog.query_one("#question-hint").display
