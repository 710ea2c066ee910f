"""A recorded question drawn in the transcript: the service's words shown as written, never as markup."""

from __future__ import annotations

from tests.ui.test_transcript_keys import WithFooter, screen_text
from tests.ui.test_transcript_view import reply, settle, user
from tui_app.core import question_records
from tui_app.core.events import Question, QuestionOption, QuestionRecord
from tui_app.core.transcript import Part, Transcript, Turn
from tui_app.ui.widgets.transcript.question_record_view import QuestionRecordView
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView


async def test_markup_and_escapes_in_a_question_are_shown_as_text() -> None:
    question = Question("Delete [b]everything[/b]?\x1b]0;pwned\x07", "[link=x]Danger[/link]", (QuestionOption("[red]Yes[/]", "no \x1b[31mcolour"),))
    record = QuestionRecord("q1", (question,), "answered", (("[red]Yes[/]",),))
    part = Part(question_records.part_id("q1"), question_records.KIND, question_records.encode(record))
    app = WithFooter()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(Transcript(messages=(user(0), reply(0, part)), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        assert app.query_one(QuestionRecordView)
        shown = screen_text(app)
        assert "[link=x]Danger[/link] Delete [b]everything[/b]?" in shown
        assert "[red]Yes[/] — no colour" in shown
        assert "You answered: [red]Yes[/]" in shown
        assert "pwned" not in shown and "\x1b" not in shown  # the terminal title escape is stripped whole
