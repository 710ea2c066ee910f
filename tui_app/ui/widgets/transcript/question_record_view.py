"""A question the agent asked, shown where it asked it: each question, its options, the answer
given, and what became of it (answered, deferred, rejected, the turn ended first)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_app.core import question_records
from tui_app.core.events import QuestionRecord
from tui_app.core.sanitize import strip_control
from tui_app.core.transcript import Part


class QuestionRecordView(Static):
    """Rendered from the part's `QuestionRecord`. Every string in it is the service's or the
    user's: sanitised, and assembled as `Content`, never read as markup."""

    def __init__(self) -> None:
        super().__init__(classes="question-record")
        self.part_text = ""

    async def show(self, part: Part) -> None:
        if part.text == self.part_text:
            return
        self.part_text = part.text
        record = part.question
        if record is not None:
            self.set_class(record.outcome == "waiting", "-waiting")
            self.set_class(record.outcome in ("rejected", "unanswered"), "-unanswered")
            self.update(render(record))


def render(record: QuestionRecord) -> Content:
    lines: list[Content] = []
    for index, question in enumerate(record.questions):
        head = Content.styled(f"{_line(question.header)} ", "bold") if question.header else Content("")
        lines.append(Content.assemble(Content.styled("? ", "bold $text-accent"), head, _line(question.question)))
        for option in question.options:
            about = f" — {_line(option.description)}" if option.description else ""
            lines.append(Content.assemble("  · ", _line(option.label), Content.styled(about, "dim")))
        if record.answers is not None and index < len(record.answers):
            answer = ", ".join(_line(label) for label in record.answers[index]) or "(nothing)"
            lines.append(Content.assemble(Content.styled("  ✓ You answered: ", "bold"), answer))
    lines.append(Content.styled(question_records.outcome_line(record), "italic"))
    return Content("\n").join(lines)


def _line(text: str) -> str:
    return strip_control(text).replace("\n", " ")
