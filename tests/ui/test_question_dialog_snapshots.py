"""The question dialog with two questions, at 80x24 (it scrolls), 120x40 (all of it shows) and 60x15.

Update after a deliberate change with `pytest tests/ui/test_question_dialog_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.conftest import wait_until
from tests.ui.test_snapshots import app_with, ready
from tui_app.backends.connection import Connection
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.widgets.composer import Composer


async def two_questions(pilot) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    app = pilot.app
    app.query_one(Composer).insert("quiz me")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog) and app.screen.armed)
    await pilot.pause(0.3)


async def two_questions_at_the_second(pilot) -> None:  # type: ignore[no-untyped-def]
    await two_questions(pilot)
    await pilot.press("tab", "tab")  # the typed answer, then the second question, scrolled into view
    await pilot.pause(0.3)


def test_two_questions_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_with(connection), terminal_size=(80, 24), run_before=two_questions)


def test_two_questions_at_80x24_tabbed_to_the_second(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_with(connection), terminal_size=(80, 24), run_before=two_questions_at_the_second)


def test_two_questions_at_120x40(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_with(connection), terminal_size=(120, 40), run_before=two_questions)


def test_two_questions_at_60x15_keep_their_rows_for_the_questions(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    # One-line buttons and no hint: the first question and its options are in view.
    assert snap_compare(app_with(connection), terminal_size=(60, 15), run_before=two_questions)
