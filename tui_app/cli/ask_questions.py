"""What `tui-app ask` does when the agent asks a question mid-turn.

At a terminal it asks the person on stderr and reads the answer from stdin. Anywhere else it
follows `--on-question`: `fail` (the default) stops the turn and exits with `EXIT_QUESTION`,
`first` answers with each question's first option, `skip` stops the turn and carries on as if it
had ended. A service rejects a question only by cancelling its turn, so `fail` and `skip` both
cancel it. Nothing here ever waits for an answer that cannot come.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

from tui_app.core.events import Question
from tui_app.core.transcript import AskedQuestion
from tui_app.workspace.questions import QuestionReply, WaitingQuestion

Policy = Literal["terminal", "fail", "first", "skip"]
POLICIES = ("fail", "first", "skip")
EXIT_QUESTION = 4
"""The exit status when a question stopped the turn (`--on-question fail`, or no answer typed)."""


def choose_policy(flag: str | None, stdin_tty: bool, stderr_tty: bool) -> Policy:
    """`--on-question` when given; else ask the person when there is a terminal to ask on."""
    if flag is not None:
        return flag  # type: ignore[return-value]  # argparse's choices are POLICIES
    return "terminal" if stdin_tty and stderr_tty else "fail"


class NotAnAnswer(ValueError):
    """The typed line answers nothing; the message says what would."""


def parse_answer(question: Question, line: str) -> tuple[str, ...]:
    """The labels a typed line chooses: option numbers or labels (several, comma-separated, when
    the question takes several), or the line itself when the question takes a typed answer.
    Raises `NotAnAnswer`, which says what is wrong (the prompt that follows says what to type)."""
    typed = line.strip()
    if not typed:
        raise NotAnAnswer("Nothing was typed.")
    pieces = [piece.strip() for piece in typed.split(",")] if question.multiple else [typed]
    if any(not piece for piece in pieces):
        raise NotAnAnswer("A choice between the commas is empty.")
    chosen = tuple(_label(question, piece) for piece in pieces)
    return tuple(dict.fromkeys(chosen))  # the same option twice is chosen once


def _label(question: Question, piece: str) -> str:
    options = question.options
    if piece.isdigit() and options:
        # With numbered options on screen a number means one of them, even where typing is allowed.
        number = int(piece)
        if 1 <= number <= len(options):
            return options[number - 1].label
        raise NotAnAnswer(f"There is no option {number}.")
    for option in options:
        if option.label.casefold() == piece.casefold():
            return option.label
    if question.custom:
        return piece
    raise NotAnAnswer(f"{piece!r} is not one of the options.")


def how_to_answer(question: Question) -> str:
    count = len(question.options)
    if not count:
        return "Type your answer."
    numbers = f"numbers from 1 to {count}, separated by commas" if question.multiple else f"a number from 1 to {count}"
    return f"Type {numbers}" + (", or your own answer." if question.custom else ".")


def describe(question: Question, index: int, count: int) -> str:
    """The question as the person reads it on stderr, with its options numbered."""
    header = f" ({question.header})" if question.header else ""
    place = f" {index + 1} of {count}" if count > 1 else ""
    lines = [f"The agent asks{place}{header}: {question.question}"]
    for number, option in enumerate(question.options, start=1):
        about = f": {option.description}" if option.description else ""
        lines.append(f"  {number}. {option.label}{about}")
    return "\n".join(lines) + "\n"


def first_options(asked: AskedQuestion) -> tuple[tuple[str, ...], ...] | None:
    """Each question's first option; None when one of them has no options to choose from."""
    if any(not question.options for question in asked.questions):
        return None
    return tuple((question.options[0].label,) for question in asked.questions)


def summary(asked: AskedQuestion) -> str:
    """The questions in one line, for a message on stderr."""
    parts = []
    for question in asked.questions:
        options = f" ({', '.join(option.label for option in question.options)})" if question.options else ""
        parts.append(f"“{question.question}”{options}")
    return "; ".join(parts)


class TerminalLines:
    """Lines typed at the terminal, read on a daemon thread so the turn's stream goes on meanwhile
    and a process that is done never waits for a line. One read at a time: a line asked for by
    a question that was settled elsewhere meanwhile goes to the next question."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending: asyncio.Future[str | None] | None = None

    def next(self) -> asyncio.Future[str | None]:
        """The next line (None at the end of input); shield it before waiting with a timeout."""
        if self._pending is None or self._pending.done():
            loop = asyncio.get_running_loop()
            pending: asyncio.Future[str | None] = loop.create_future()
            self._pending = pending

            def read() -> None:
                try:
                    line: str | None = self._stream.readline() or None
                except (OSError, ValueError):
                    line = None
                try:
                    loop.call_soon_threadsafe(lambda: pending.done() or pending.set_result(line))
                except RuntimeError:
                    pass  # the loop has closed: `ask` is done, nobody waits for this line

            threading.Thread(target=read, name="ask-answer", daemon=True).start()
        return self._pending

    def taken(self) -> None:
        """The pending line was used: the next call reads a new one."""
        self._pending = None


@dataclass(slots=True)
class QuestionStop:
    """A question stopped the turn: how `ask` exits, and why."""

    exit_status: int
    reason: str


class QuestionResponder:
    """Answers (or refuses) every question the workspace announces, by its policy. `stopped` is
    set when a question ends the turn; `stop` says how `ask` should exit then."""

    def __init__(self, policy: Policy, err: TextIO, lines: TerminalLines | None = None) -> None:
        self.policy = policy
        self.err = err
        self.lines = lines
        self.stopped = asyncio.Event()
        self.stop: QuestionStop | None = None
        self.skipped = False
        self._offered: dict[str, int] = {}
        self._busy: set[str] = set()
        self._given_up: set[str] = set()
        """Questions this run refused (their turn is being cancelled): never offered again."""
        self._tasks: set[asyncio.Task[None]] = set()

    def on_asked(self, waiting: WaitingQuestion) -> None:
        """`workspace.questions.asked`'s subscriber."""
        key = waiting.asked.id
        if key in self._busy or key in self._given_up or not waiting.open:
            return
        self._busy.add(key)
        task = asyncio.get_running_loop().create_task(self._respond(waiting))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def offer_again(self, waiting: list[WaitingQuestion]) -> None:
        """After a refused answer the workspace waits on the question again: offer those still open."""
        for one in waiting:
            self.on_asked(one)

    async def _respond(self, waiting: WaitingQuestion) -> None:
        try:
            key = waiting.asked.id
            offered = self._offered[key] = self._offered.get(key, 0) + 1
            if self.policy == "terminal":
                await self._ask_person(waiting)
            elif offered > 1:
                # The service refused the policy's answer once (the workspace said why): it would again.
                self._stop(waiting, f"the service refused the answer to {summary(waiting.asked)}")
            elif self.policy == "first" and (answers := first_options(waiting.asked)) is not None:
                chosen = "; ".join(", ".join(labels) for labels in answers)
                self.err.write(f"tui-app ask: the agent asked {summary(waiting.asked)}; answered {chosen} (--on-question first).\n")
                self._reply(waiting, QuestionReply("answer", answers))
            elif self.policy == "skip":
                self.err.write(
                    f"tui-app ask: the agent asked {summary(waiting.asked)}; skipped (--on-question skip): "
                    "the turn is cancelled, what the agent wrote so far is kept.\n"
                )
                self.skipped = True
                self._give_up(waiting)
            elif self.policy == "first":
                self._stop(
                    waiting,
                    f"the agent asked {summary(waiting.asked)}, which has no option to choose first",
                    " Answer at a terminal, or choose --on-question skip.",
                )
            else:
                self._stop(
                    waiting,
                    f"the agent asked {summary(waiting.asked)} and there is no terminal to answer on",
                    " Answer at a terminal, or choose --on-question first or skip.",
                )
        finally:
            self._busy.discard(waiting.asked.id)
            self.err.flush()

    def _stop(self, waiting: WaitingQuestion, reason: str, advice: str = "") -> None:
        self.err.write(f"tui-app ask: {reason}; the turn is cancelled.{advice}\n")
        self.stop = QuestionStop(EXIT_QUESTION, reason)
        self._give_up(waiting)

    def _give_up(self, waiting: WaitingQuestion) -> None:
        """Cancel the turn (the service rejects its questions then) and let `ask` stop waiting."""
        self._given_up.add(waiting.asked.id)
        self._reply(waiting, QuestionReply("cancel"))
        self.stopped.set()

    @staticmethod
    def _reply(waiting: WaitingQuestion, reply: QuestionReply) -> None:
        if not waiting.future.done():
            waiting.future.set_result(reply)

    async def _ask_person(self, waiting: WaitingQuestion) -> None:
        assert self.lines is not None
        questions = waiting.asked.questions
        answers: list[tuple[str, ...]] = []
        for index, question in enumerate(questions):
            self.err.write(describe(question, index, len(questions)))
            while True:
                self.err.write(f"{how_to_answer(question)} > ")
                self.err.flush()
                line = await self._line_unless_settled(waiting)
                if waiting.future.done():
                    self.err.write("\n(The question was settled elsewhere.)\n")
                    return
                if line is None:
                    self.err.write("\n")
                    self._stop(waiting, f"no answer was typed to {summary(waiting.asked)}")
                    return
                try:
                    answers.append(parse_answer(question, line))
                    break
                except NotAnAnswer as problem:
                    self.err.write(f"{problem}\n")
        self._reply(waiting, QuestionReply("answer", tuple(answers)))

    async def _line_unless_settled(self, waiting: WaitingQuestion) -> str | None:
        """The next typed line, or None at once when the question is settled elsewhere meanwhile
        (the line, when it comes, goes to the next question)."""
        assert self.lines is not None
        line = self.lines.next()
        await asyncio.wait({line, waiting.future}, return_when=asyncio.FIRST_COMPLETED)
        if not line.done():
            return None
        self.lines.taken()
        return line.result()

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def refused_answer_watch(responder: QuestionResponder, waiting: Callable[[], list[WaitingQuestion]]) -> Callable[[], None]:
    """A callback for after each notice: a refused answer is announced by a notice, after which
    the workspace waits on the question again (with a fresh Future) without announcing it."""

    def check() -> None:
        responder.offer_again([one for one in waiting() if one.open])

    def soon() -> None:
        asyncio.get_running_loop().call_soon(check)

    return soon
