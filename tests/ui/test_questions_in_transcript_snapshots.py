"""Two questions answered, as the transcript records them where they were asked, at 80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_questions_in_transcript_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.conftest import wait_until
from tests.ui.test_snapshots import app_with, ready
from tui_app.backends.connection import Connection
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.question_record_view import QuestionRecordView
from tui_app.ui.widgets.transcript.transcript_view import MessageView, TranscriptView


async def answered(pilot) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    app = pilot.app
    app.query_one(Composer).insert("quiz me")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog) and app.screen.armed)
    await pilot.press("space")  # the first option of the first question: Short
    app.screen.query_one("#choices-1", SelectionList).select("Cost")
    await pilot.press("ctrl+s")
    await wait_until(
        pilot,
        lambda: app.current.state == "ready"
        and app.query(MessageView).last().shown_text == app.current.transcript.messages[-1].display_text
        and not app.query_one(TranscriptView).rendering,
    )
    await pilot.pause(0.3)
    app.query_one(TranscriptView).scroll_to_widget(app.query_one(QuestionRecordView), animate=False, top=True)
    await pilot.pause(0.3)


def test_answered_questions_in_the_transcript_at_80x24(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_with(connection), terminal_size=(80, 24), run_before=answered)


def test_answered_questions_in_the_transcript_at_120x40(snap_compare, connection: Connection) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_with(connection), terminal_size=(120, 40), run_before=answered)
