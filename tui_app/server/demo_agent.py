"""The demo agent: a deterministic reply for a conversation, tokens, and their price.

The same conversation always gives the same reply, byte for byte, so tests and benchmarks can
compare runs. The reply quotes the turn number and the previous message, which shows that the
server kept the conversation's context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

DEMO_MODEL = "demo/tui-app-demo-1"
# Priced like a mid-size hosted model, in integer micro-dollars per token ($3 and $15 per million).
INPUT_MICROS_PER_TOKEN = 3
OUTPUT_MICROS_PER_TOKEN = 15
SYSTEM_PROMPT = (
    "You are the tui-app demo agent. You answer every message with a short Markdown reply that "
    "shows paragraphs, a list and a fenced code block, and you remember the conversation."
)

_TOKEN = re.compile(r"\s*\S{1,6}|\s+$")


def tokenize(text: str) -> list[str]:
    """Split text into token-sized pieces that join back into exactly `text`."""
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(tokenize(text))


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# A file sent to Case.dev as a text part: a fence of 3+ backticks whose info string is a file
# name (it has a dot or a slash, which a language tag such as `python` has not), closed by the
# same fence on a line of its own.
_FENCED_FILE = re.compile(r"^(?P<fence>`{3,})(?P<name>[^`\s]*[./][^`\s]*)\n(?P<body>.*?)^(?P=fence)$", re.M | re.S)


def fenced_files(message: str) -> list[tuple[str, int]]:
    """The files a Case.dev message carries as fenced blocks: (name, bytes of their text)."""
    return [(found["name"], len(found["body"].encode())) for found in _FENCED_FILE.finditer(message)]


def _spoken(message: str) -> str:
    """What the person wrote, without the files a Case.dev message carries as fenced blocks."""
    return _FENCED_FILE.sub("", message).strip()


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so quoting it cannot close it."""
    runs = re.findall(r"`+", text)
    return "`" * max(3, 1 + max(map(len, runs), default=0))


def acknowledgement(files: Sequence[tuple[str, int]]) -> str:
    """ "I received notes.md, 1,234 bytes." so a test (or a person) sees what arrived."""
    listed = "; ".join(f"{name}, {size:,} byte{'s' if size != 1 else ''}" for name, size in files)
    return f"I received {listed}."


def reply(
    earlier_user_messages: Sequence[str],
    message: str,
    answers: Sequence[Sequence[str]] = (),
    files: Sequence[tuple[str, int]] | None = None,
) -> str:
    """The demo agent's answer to `message`, given the user's earlier messages in this chat
    and the answers to any questions it asked during the turn. `files` are (name, bytes) of
    the files attached beside the message (Stewrd); None reads them from the message's fenced
    blocks (Case.dev, whose messages are text only)."""
    if files is None:
        files = fenced_files(message)
        message = _spoken(message)
    earlier_user_messages = [_spoken(earlier) for earlier in earlier_user_messages]
    received = f"{acknowledgement(files)}\n\n" if files else ""
    turn = len(earlier_user_messages) + 1
    words = len(message.split())
    if earlier_user_messages:
        context = (
            f"This is turn {turn} of our conversation. Before this you said "
            f"“{_quote(earlier_user_messages[-1])}”; I have {len(earlier_user_messages)} earlier "
            f"message{'s' if turn > 2 else ''} of yours in context."
        )
    else:
        context = "This is turn 1 of our conversation, so there is no earlier context yet."
    reversed_message = _quote(message)[::-1].replace('"', "'")
    fence = _fence(_quote(message))
    if answers:
        chosen = "; ".join(", ".join(answer) or "(nothing)" for answer in answers)
        context += f" You answered my question{'s' if len(answers) > 1 else ''}: {chosen}."
    return received + (
        f"You said “{_quote(message)}”, which is {words} word{'s' if words != 1 else ''} long. "
        f"{context}\n\n"
        "Here is what this demo reply shows while it streams:\n\n"
        "- **Markdown** rendered token by token\n"
        "- the turn's cost, growing in exact micro-dollars\n"
        f"- context kept across {turn} turn{'s' if turn != 1 else ''}\n\n"
        "A fenced code block:\n\n"
        f"{fence}python\n"
        "def reverse(message: str) -> str:\n"
        "    return message[::-1]\n"
        "\n"
        f'print(reverse("{_quote(message)}"))  # {reversed_message}\n'
        f"{fence}\n\n"
        "Send another message and I will answer in context."
    )


def demo_file(turn: int, message: str) -> tuple[str, str]:
    """The path and text of the file the agent writes when asked to "make a file". The path has
    folders, so clients meet a `/` in it (sent percent-encoded), as with a real sandbox."""
    content = (
        f"# Notes from turn {turn}\n\n"
        f"You asked: “{_quote(message)}”.\n\n"
        "- written by the tui-app demo agent\n"
        "- kept in the session's sandbox with the other files of this chat\n"
    )
    return f"notes/turn-{turn}/summary.md", content


def input_tokens(earlier_turns: Sequence[tuple[str, str]], message: str) -> int:
    """Tokens the model reads for a turn: system prompt, every earlier exchange, the message."""
    context = [SYSTEM_PROMPT, *(text for pair in earlier_turns for text in pair), message]
    return sum(count_tokens(text) for text in context)


def cost_micros(input_count: int, output_count: int) -> int:
    return input_count * INPUT_MICROS_PER_TOKEN + output_count * OUTPUT_MICROS_PER_TOKEN


# Keywords that make the demo agent do more than answer (documented in the README).
THINK_KEYWORD = "think"
TOOL_KEYWORD = "tool"
BROKEN_TOOL_KEYWORD = "broken tool"
ASK_KEYWORD = "ask me"
QUIZ_KEYWORD = "quiz me"
FILE_KEYWORD = "make a file"
SEARCH_COST_MICROS = 2_000  # what the demo search tool bills per call (an `api` usage entry)


@dataclass(frozen=True, slots=True)
class ToolCall:
    tool: str
    input: dict[str, Any]
    output: str | None
    error: str | None
    cost_micros: int
    status_code: int


@dataclass(frozen=True, slots=True)
class TurnPlan:
    """What the agent will do in a turn, before it writes its reply."""

    reasoning: str | None = None
    tool_call: ToolCall | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)


def plan(message: str) -> TurnPlan:
    lowered = message.lower()
    reasoning = None
    if THINK_KEYWORD in lowered:
        reasoning = f"The user wrote “{_quote(message)}”. I will answer with a short Markdown demo."
    tool_call = None
    if BROKEN_TOOL_KEYWORD in lowered:
        tool_call = ToolCall("demo_search", {"query": _quote(message)}, None, "the search service is down", 0, 502)
    elif TOOL_KEYWORD in lowered:
        output = f"3 results for “{_quote(message)}”: the demo has no real index."
        tool_call = ToolCall("demo_search", {"query": _quote(message)}, output, None, SEARCH_COST_MICROS, 200)
    questions: list[dict[str, Any]] = []
    if ASK_KEYWORD in lowered or QUIZ_KEYWORD in lowered:
        questions.append(
            {
                "header": "Format",
                "question": "How long should my answer be?",
                "options": [
                    {"label": "Short", "description": "A few lines"},
                    {"label": "Detailed", "description": "Everything the demo can show"},
                ],
                "multiple": False,
                "custom": True,
            }
        )
    if QUIZ_KEYWORD in lowered:
        questions.append(
            {
                "header": "Topics",
                "question": "Which topics interest you?",
                "options": [
                    {"label": "Cost", "description": "Exact money in micro-dollars"},
                    {"label": "Streaming", "description": "Tokens as they arrive"},
                    {"label": "Questions", "description": "Asking mid-turn"},
                ],
                "multiple": True,
                "custom": False,
            }
        )
    return TurnPlan(reasoning, tool_call, questions)


def check_answers(questions: Sequence[dict[str, Any]], answers: object) -> str | None:
    """Why `answers` is not a valid reply to `questions`, or None when it is."""
    if not isinstance(answers, list) or len(answers) != len(questions):
        return f"Field 'answers' must be a list of {len(questions)} list(s) of labels, one per question"
    for index, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        if not isinstance(answer, list) or not all(isinstance(label, str) and label for label in answer):
            return f"answers[{index}] must be a list of non-empty strings"
        if not answer:
            return f"answers[{index}] is empty: choose at least one option"
        if not question.get("multiple", False) and len(answer) > 1:
            return f"answers[{index}] has {len(answer)} labels, but the question takes one"
        labels = {option["label"] for option in question["options"]}
        unknown = [label for label in answer if label not in labels]
        if unknown and not question.get("custom", True):
            return f"answers[{index}]: {unknown[0]!r} is not an option, and this question takes no typed answer"
    return None
