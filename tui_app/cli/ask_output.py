"""What `tui-app ask` writes to stdout: the reply as plain text and a summary line, or one JSON
object per event (JSON Lines) and a summary object.

Both follow the workspace's `changes` for one session and only the turns that start after they
subscribe, so a continued session's earlier turns are never printed again. Text reaches them
already sanitised at the wire; money stays an integer (micro-dollars, or credits).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, TextIO

from tui_app.core import completeness
from tui_app.core.cost import format_cost, turn_cost
from tui_app.core.events import (
    DomainEvent,
    FeedReplayed,
    PartUpdated,
    QuestionAsked,
    QuestionSettled,
    StreamInterrupted,
    StreamResumed,
    TurnCompleted,
    TurnStarted,
    UsageReported,
)
from tui_app.core.sanitize import strip_control
from tui_app.core.usage_ledger import MoneyUnit
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.session_controller import SessionController


@dataclass(frozen=True, slots=True)
class AskResult:
    """How one `ask` ended, for its summary."""

    session: SessionController
    exit_status: int
    error: str | None = None
    ended: bool = False
    """The session was ended on its service (the chat `ask` created, unless `--keep`)."""
    continued: bool = False


def money(amount: int | None, unit: MoneyUnit) -> dict[str, int | None]:
    """An amount under the key of its unit; the other unit's key is null, and so is an unknown amount."""
    return {"cost_micros": amount if unit == "micros" else None, "cost_credits": amount if unit == "credits" else None}


class _Follower:
    """Sees the changes of one session's new turns; tells each part's new text once. Once the
    reader of `out` is gone (`tui-app ask ... | head`), `closed` is set and nothing more is written."""

    def __init__(self, session: SessionController, out: TextIO) -> None:
        self.session = session
        self.out = out
        self.closed = asyncio.Event()
        self._old_turns = {turn.id for turn in session.transcript.turns}
        self._printed: dict[str, int] = {}

    def emit(self, text: str) -> None:
        if self.closed.is_set():
            return
        try:
            self.out.write(text)
            self.out.flush()
        except BrokenPipeError:
            self.closed.set()

    def __call__(self, change: SessionChange) -> None:
        event = change.event
        if change.session is not self.session or event is None or self._old(event):
            return
        self.event(event)

    def _old(self, event: DomainEvent) -> bool:
        turn_id = getattr(event, "turn_id", None)
        return turn_id is not None and turn_id in self._old_turns

    def event(self, event: DomainEvent) -> None:
        raise NotImplementedError

    def new_text(self, event: PartUpdated) -> str:
        """What the part gained since last told (from the reduced transcript, so a replayed or
        repeated frame adds nothing)."""
        message = self.session.transcript.message(event.message_id)
        part = next((p for p in message.parts if p.id == event.part_id), None) if message else None
        if part is None:
            return ""
        done = self._printed.get(part.id, 0)
        if part.size <= done:
            return ""
        self._printed[part.id] = part.size
        return part.text_from(done)


def summary_line(session: SessionController) -> str:
    turn = session.transcript.last_turn
    usage = turn.usage if turn else None
    if usage is None:
        return "cost unknown · tokens unknown"
    model = f" · {usage.model}" if usage.model else ""
    cost = turn_cost(session.book.ledger, session.id, turn.id) if turn else None
    return (
        f"cost {format_cost(cost) if cost else 'unknown'} · {usage.input_tokens} input tokens · "
        f"{usage.output_tokens} output tokens{model}"
    )


class TextOutput(_Follower):
    """The reply's text as it grows, then an empty line's worth and the summary line."""

    def event(self, event: DomainEvent) -> None:
        if isinstance(event, PartUpdated) and event.kind == "text" and (text := self.new_text(event)):
            self.emit(strip_control(text))

    def reply_done(self) -> None:
        """The reply's last line ends here, before anything else is said (on a terminal, stderr's
        lines would otherwise continue it)."""
        self.emit("\n")

    def finish(self, result: AskResult) -> None:
        self.emit(summary_line(result.session) + "\n")


class JsonLinesOutput(_Follower):
    """One JSON object per line: the session, each event of the new turns, then a summary."""

    def __init__(self, session: SessionController, out: TextIO, continued: bool) -> None:
        super().__init__(session, out)
        self.unit: MoneyUnit = session.backend.capabilities.money
        self.write(
            {
                "type": "session",
                "session": session.id,
                "remote_session": session.remote.id if session.remote else None,
                "backend": session.backend.name,
                "continued": continued,
            }
        )

    def reply_done(self) -> None:
        pass  # every object is a line of its own already

    def write(self, value: dict[str, Any]) -> None:
        self.emit(json.dumps(value, ensure_ascii=False) + "\n")

    def event(self, event: DomainEvent) -> None:
        value = self.describe(event)
        if value is not None:
            self.write(value)

    def describe(self, event: DomainEvent) -> dict[str, Any] | None:
        match event:
            case TurnStarted(turn_id=turn):
                return {"type": "turn_start", "turn": turn}
            case PartUpdated(kind="tool", tool=call) if call is not None:
                return {
                    "type": "tool", "turn": event.turn_id, "message": event.message_id, "part": event.part_id,
                    "name": call.name, "state": call.state, "title": call.title, "input": call.input,
                    "output": call.output, "error": call.error, **money(call.cost_micros, self.unit),
                }
            case PartUpdated(kind="text" | "reasoning" as kind):
                delta = self.new_text(event)
                if not delta:
                    return None
                return {"type": kind, "turn": event.turn_id, "message": event.message_id, "part": event.part_id, "delta": delta}
            case QuestionAsked(turn_id=turn, request_id=request, questions=questions):
                return {
                    "type": "question", "turn": turn, "request": request,
                    "questions": [
                        {
                            "header": q.header, "question": q.question, "multiple": q.multiple, "custom": q.custom,
                            "options": [{"label": o.label, "description": o.description} for o in q.options],
                        }
                        for q in questions
                    ],
                }
            case QuestionSettled(turn_id=turn, request_id=request, answers=answers):
                chosen = None if answers is None else [list(labels) for labels in answers]
                return {"type": "question_settled", "turn": turn, "request": request, "answers": chosen}
            case UsageReported(turn_id=turn, usage=usage):
                return {
                    "type": "usage", "turn": turn, "model": usage.model, "input_tokens": usage.input_tokens,
                    "output_tokens": usage.output_tokens, **money(usage.total_cost_micros, self.unit),
                    "credits_remaining": usage.credits_remaining,
                }
            case StreamInterrupted(turn_id=turn, attempt=attempt, retry_in=retry_in, reason=reason):
                return {"type": "reconnecting", "turn": turn, "attempt": attempt, "retry_in": retry_in, "reason": reason}
            case StreamResumed(turn_id=turn, after_event_id=after):
                return {"type": "resumed", "turn": turn, "after_event_id": after}
            case FeedReplayed(turn_id=turn, missing=missing, numbered=numbered):
                # One per follow of a turn, and again as it grows: the last one for a turn holds.
                return {
                    "type": "completeness", "turn": turn, "cause": event.cause, "events": event.events,
                    "resumes": event.resumes, "known": numbered, "missing": [list(run) for run in missing],
                    "text": completeness.sentence(event),
                }
            case TurnCompleted(turn_id=turn, outcome=outcome, error=error):
                return {"type": "turn_end", "turn": turn, "outcome": outcome, "error": error}
        return None

    def finish(self, result: AskResult) -> None:
        session = result.session
        turn = session.transcript.last_turn
        mine = turn is not None and turn.id not in self._old_turns
        usage = turn.usage if turn is not None and mine else None
        cost = turn_cost(session.book.ledger, session.id, turn.id) if turn is not None and mine else None
        self.write(
            {
                "type": "summary",
                "session": session.id,
                "remote_session": session.remote.id if session.remote else None,
                "backend": session.backend.name,
                "model": (usage.model if usage else None) or session.model,
                "turn": turn.id if turn is not None and mine else None,
                "outcome": turn.state if turn is not None and mine else None,
                "error": result.error,
                "input_tokens": usage.input_tokens if usage else None,
                "output_tokens": usage.output_tokens if usage else None,
                **money(cost.exact if cost is not None else None, self.unit),
                "continued": result.continued,
                "ended": result.ended,
                "exit_status": result.exit_status,
            }
        )
