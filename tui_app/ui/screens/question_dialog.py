"""The dialog for questions the agent asks mid-turn.

It belongs to the session that asked; it shows each question with its options (one choice or
several) and a typed answer where allowed. It is armed only after a short delay, so keys typed
for the composer just before it opened cannot answer it. Deferring closes it and leaves the
question waiting, to read the transcript first.
"""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from tui_app.ui.screens.dialog import Dialog
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, SelectionList, Static

from tui_app.core.sanitize import strip_control
from tui_app.core.transcript import AskedQuestion
from tui_app.workspace.questions import QuestionReply

__all__ = ["QuestionDialog", "QuestionReply"]

ARM_SECONDS = 0.4


def _clean(text: str) -> str:
    return escape(strip_control(text))


SHORT_ROWS = 20
"""Below this many rows the dialog's buttons take one line each and its hint is left out."""

class QuestionDialog(Dialog[QuestionReply]):
    """Answer, defer, or cancel the turn. The reply is the screen's result, and resolves the
    question's Future when given one; a Future cancelled elsewhere (the question was settled)
    closes the dialog."""

    CSS_PATH = "question_dialog.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Send answer", id="question-submit"),
        Binding("escape", "defer", "Later", id="question-defer"),
        # Before the focused field's own keys: the typed-answer field would take Ctrl+X as "cut".
        Binding("ctrl+x", "cancel_turn", "Cancel the turn", id="question-cancel", priority=True),
    ]

    def __init__(
        self,
        asked: AskedQuestion,
        session_title: str,
        waiting: int = 1,
        future: asyncio.Future[QuestionReply] | None = None,
    ) -> None:
        super().__init__()
        self.asked = asked
        self.future = future
        self._answered = False
        self.session_title = session_title
        self.waiting = waiting
        self.armed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="question-box"):
            more = f" (1 of {self.waiting} waiting)" if self.waiting > 1 else ""
            yield Label(f"[b]{_clean(self.session_title)}[/b]: the agent asks{more}", id="question-title")
            with VerticalScroll(id="question-body", disabled=True):
                for index, question in enumerate(self.asked.questions):
                    header = f"[b $accent]{_clean(question.header)}[/] " if question.header else ""
                    yield Static(f"{header}{_clean(question.question)}", classes="question-text")
                    if question.multiple:
                        yield SelectionList[str](
                            *((strip_control(o.label), o.label) for o in question.options),
                            id=f"choices-{index}",
                            classes="choices",
                        )
                    else:
                        with RadioSet(id=f"choices-{index}", classes="choices"):
                            for option in question.options:
                                label = strip_control(option.label)
                                if option.description:
                                    label += f" — {strip_control(option.description)}"
                                yield RadioButton(label, name=option.label)
                    if question.custom:
                        yield Input(placeholder="Or type your own answer", id=f"custom-{index}", classes="custom")
            # Docked at the bottom, so a short terminal scrolls the questions, never the buttons.
            with Vertical(id="question-actions"):
                yield Static("", id="question-problem")
                with Horizontal(id="question-buttons"):
                    yield Button("Send answer  ^s", variant="primary", id="submit", disabled=True)
                    yield Button("Later  esc", id="defer", disabled=True)
                    yield Button("Cancel the turn  ^x", variant="error", id="cancel-turn", disabled=True)
                yield Static(
                    "[dim]Later keeps the question waiting; the turn waits for it. "
                    "Cancelling the turn rejects the question.[/dim]",
                    id="question-hint",
                )

    def on_mount(self) -> None:
        self.set_class(self.size.height < SHORT_ROWS, "-short")
        self.call_after_refresh(self._fit_body)
        self.set_timer(ARM_SECONDS, self._arm)
        if self.future is not None:
            self.future.add_done_callback(self._future_done)

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT_ROWS, "-short")
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """Give the questions what the box has left, so on a short terminal they scroll (and Tab
        brings each into view) instead of running off the bottom. CSS alone cannot say "auto, but
        no more than what is left" for a box whose own height is auto."""
        box = self.query_one("#question-box")
        chrome = box.outer_size.height - box.size.height
        fixed = chrome + self.query_one("#question-title").outer_size.height
        fixed += self.query_one("#question-actions").outer_size.height
        limit = max(3, int(self.size.height * 0.9) - fixed)
        body = self.query_one("#question-body")
        if body.styles.max_height is None or body.styles.max_height.value != limit:
            body.styles.max_height = limit

    def _future_done(self, future: asyncio.Future[QuestionReply]) -> None:
        if future.cancelled() and self.is_attached and self.is_active:
            self.settle()

    def _reply(self, reply: QuestionReply) -> None:
        if self._answered:
            return
        self._answered = True
        if self.future is not None and not self.future.done():
            self.future.set_result(reply)
        self.dismiss(reply)

    def _arm(self) -> None:
        self.armed = True
        self.query_one("#question-body").disabled = False
        for button in self.query(Button):
            button.disabled = False
        first = self.query(".choices").first()
        first.focus(scroll_visible=False)  # the first question is at the top already; centring it would scroll its header away

    def answers(self) -> tuple[tuple[str, ...], ...] | str:
        """The answers, one tuple of labels per question, or why they are incomplete."""
        collected: list[tuple[str, ...]] = []
        for index, question in enumerate(self.asked.questions):
            custom = self.query(f"#custom-{index}")
            typed = custom.first(Input).value.strip() if custom else ""
            if question.multiple:
                chosen = list(self.query_one(f"#choices-{index}", SelectionList).selected)
            else:
                pressed = self.query_one(f"#choices-{index}", RadioSet).pressed_button
                chosen = [pressed.name] if pressed is not None and pressed.name and not typed else []
            if typed:
                chosen.append(typed)
            if not chosen:
                return f"Question {index + 1} has no answer yet."
            collected.append(tuple(chosen))
        return tuple(collected)

    def action_submit(self) -> None:
        if not self.armed:
            return
        answers = self.answers()
        if isinstance(answers, str):
            problem = self.query_one("#question-problem", Static)
            problem.update(f"[$error]{answers}[/]")
            problem.display = True
            return
        self._reply(QuestionReply("answer", answers))

    def action_defer(self) -> None:
        if self.armed:
            self._reply(QuestionReply("defer"))

    def action_cancel_turn(self) -> None:
        if self.armed:
            self._reply(QuestionReply("cancel"))

    def settle(self) -> None:
        """Close without a reply: the question was settled elsewhere or its turn ended."""
        if not self._answered:
            self._answered = True
            self.dismiss(QuestionReply("defer"))

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#defer")
    def _defer_pressed(self) -> None:
        self.action_defer()

    @on(Button.Pressed, "#cancel-turn")
    def _cancel_pressed(self) -> None:
        self.action_cancel_turn()

    @on(Input.Submitted)
    def _typed(self) -> None:
        self.action_submit()
