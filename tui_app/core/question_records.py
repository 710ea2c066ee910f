"""Questions in a transcript: how a question part holds its `QuestionRecord`, and how one reads
as Markdown (the transcript's text form and the Markdown export).

A question part's text is the record encoded as JSON (`event_codec`'s form), as a tool part holds
its call, so a part stays `(id, kind, text)` for the store's projections.
"""

from __future__ import annotations

import functools
import json

from tui_app.core.event_codec import from_json_data, to_json_data
from tui_app.core.events import QuestionRecord
from tui_app.core.sanitize import strip_control

KIND = "question"
"""The kind of the part that holds a record."""
_MARK = '{"question":'
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def part_id(request_id: str) -> str:
    """The id of the part that records `request_id`: one part per request, updated in place."""
    return f"question:{request_id}"


def encode(record: QuestionRecord) -> str:
    return _ENCODER.encode({"question": to_json_data(record)})


@functools.lru_cache(maxsize=256)
def decode(text: str) -> QuestionRecord | None:
    """The record `encode` wrote; None for any other text."""
    if not text.startswith(_MARK):
        return None
    try:
        record = from_json_data(json.loads(text)["question"], QuestionRecord)
    except (ValueError, KeyError, TypeError):
        return None
    return record if isinstance(record, QuestionRecord) else None


def outcome_line(record: QuestionRecord) -> str:
    """What became of the questions, in a few words (plain text)."""
    later = "deferred, then " if record.deferred else ""
    match record.outcome:
        case "answered":
            return "Answered"
        case "rejected":
            return f"Not answered: {later}rejected"
        case "unanswered":
            return f"Not answered: {later}the turn ended first"
        case _:
            return "Waiting for your answer (deferred)" if record.deferred else "Waiting for your answer"


def _answer_text(answer: tuple[str, ...]) -> str:
    return ", ".join(_line(label) for label in answer) or "(nothing)"


def to_markdown(record: QuestionRecord) -> str:
    """The record as Markdown: each question with its options and the answer given, then what
    became of the request. Every string is the service's or the user's: sanitised, one line each."""
    shown = []
    for index, question in enumerate(record.questions):
        head = f"**{_line(question.header)}** " if question.header else ""
        shown.append(f"**?** {head}{_line(question.question)}\n\n")
        for option in question.options:
            about = f" — {_line(option.description)}" if option.description else ""
            shown.append(f"- {_line(option.label)}{about}\n")
        if question.options:
            shown.append("\n")
        if record.answers is not None and index < len(record.answers):
            shown.append(f"*Your answer:* {_answer_text(record.answers[index])}\n\n")
    shown.append(f"*{outcome_line(record)}*\n\n")
    return "".join(shown)


def _line(text: str) -> str:
    # One line, and nothing Markdown would read as emphasis or a link around it.
    return strip_control(text).replace("\n", " ").replace("*", "\\*").replace("_", "\\_").replace("[", "\\[")
