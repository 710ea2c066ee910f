"""The demo agent: a deterministic reply for a conversation, tokens, and their price.

The same conversation always gives the same reply, byte for byte, so tests and benchmarks can
compare runs. The reply quotes the turn number and the previous message, which shows that the
server kept the conversation's context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def reply(earlier_user_messages: Sequence[str], message: str) -> str:
    """The demo agent's answer to `message`, given the user's earlier messages in this chat."""
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
    return (
        f"You said “{_quote(message)}”, which is {words} word{'s' if words != 1 else ''} long. "
        f"{context}\n\n"
        "Here is what this demo reply shows while it streams:\n\n"
        "- **Markdown** rendered token by token\n"
        "- the turn's cost, growing in exact micro-dollars\n"
        f"- context kept across {turn} turn{'s' if turn != 1 else ''}\n\n"
        "A fenced code block:\n\n"
        "```python\n"
        "def reverse(message: str) -> str:\n"
        "    return message[::-1]\n"
        "\n"
        f'print(reverse("{_quote(message)}"))  # {reversed_message}\n'
        "```\n\n"
        "Send another message and I will answer in context."
    )


def input_tokens(earlier_turns: Sequence[tuple[str, str]], message: str) -> int:
    """Tokens the model reads for a turn: system prompt, every earlier exchange, the message."""
    context = [SYSTEM_PROMPT, *(text for pair in earlier_turns for text in pair), message]
    return sum(count_tokens(text) for text in context)


def cost_micros(input_count: int, output_count: int) -> int:
    return input_count * INPUT_MICROS_PER_TOKEN + output_count * OUTPUT_MICROS_PER_TOKEN
