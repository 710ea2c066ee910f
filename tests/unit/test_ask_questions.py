"""How `tui-app ask` reads a typed answer, and which question policy applies where."""

from __future__ import annotations

import pytest

from tui_app.cli.ask_questions import NotAnAnswer, choose_policy, describe, first_options, how_to_answer, parse_answer
from tui_app.core.events import Question, QuestionOption
from tui_app.core.transcript import AskedQuestion

LENGTH = Question(
    "How long should my answer be?",
    header="Format",
    options=(QuestionOption("Short", "A few lines"), QuestionOption("Detailed")),
)
TOPICS = Question(
    "Which topics?",
    options=(QuestionOption("Cost"), QuestionOption("Streaming"), QuestionOption("Questions")),
    multiple=True,
    custom=False,
)
FREE = Question("Your name?")


def test_a_number_or_a_label_in_any_case_chooses_an_option() -> None:
    assert parse_answer(LENGTH, "2\n") == ("Detailed",)
    assert parse_answer(LENGTH, "  short ") == ("Short",)


def test_a_question_that_takes_a_typed_answer_takes_the_line_as_written() -> None:
    assert parse_answer(LENGTH, "three paragraphs, please") == ("three paragraphs, please",)
    assert parse_answer(FREE, "42") == ("42",)  # no options: a number is an answer like any other


def test_several_options_are_comma_separated_where_the_question_takes_several() -> None:
    assert parse_answer(TOPICS, "1, 3,questions") == ("Cost", "Questions")


@pytest.mark.parametrize(
    ("question", "line", "reason"),
    [
        (LENGTH, "", "Nothing was typed."),
        (LENGTH, "9", "There is no option 9."),
        (TOPICS, "1,,2", "A choice between the commas is empty."),
        (TOPICS, "Money", "'Money' is not one of the options."),
        (TOPICS, "4", "There is no option 4."),
    ],
)
def test_what_answers_nothing_is_refused_saying_why(question: Question, line: str, reason: str) -> None:
    with pytest.raises(NotAnAnswer, match=reason):
        parse_answer(question, line)


def test_the_prompt_says_what_to_type() -> None:
    assert how_to_answer(LENGTH) == "Type a number from 1 to 2, or your own answer."
    assert how_to_answer(TOPICS) == "Type numbers from 1 to 3, separated by commas."
    assert how_to_answer(FREE) == "Type your answer."


def test_the_question_is_shown_with_its_options_numbered() -> None:
    assert describe(LENGTH, 0, 2) == (
        "The agent asks 1 of 2 (Format): How long should my answer be?\n  1. Short: A few lines\n  2. Detailed\n"
    )


def test_first_options_needs_an_option_in_every_question() -> None:
    assert first_options(AskedQuestion("q", "t", (LENGTH, TOPICS))) == (("Short",), ("Cost",))
    assert first_options(AskedQuestion("q", "t", (LENGTH, FREE))) is None


def test_the_terminal_is_used_only_with_stdin_and_stderr_both_terminals_and_no_flag() -> None:
    assert choose_policy(None, stdin_tty=True, stderr_tty=True) == "terminal"
    assert choose_policy(None, stdin_tty=False, stderr_tty=True) == "fail"
    assert choose_policy(None, stdin_tty=True, stderr_tty=False) == "fail"
    assert choose_policy("first", stdin_tty=True, stderr_tty=True) == "first"
