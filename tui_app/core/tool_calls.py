"""Tool calls in a transcript: how a tool part holds its `ToolCall`, and how one reads as Markdown.

A tool part's text is the call encoded as JSON (`event_codec`'s form): so a part stays
`(id, kind, text)` for the store's projections, and a restored session gets back the same
structure a replay gives. A part stored before tool calls were structured has a plain line as
its text; it decodes to no call and is shown as that line.
"""

from __future__ import annotations

import functools
import json
import re

from tui_app.core.event_codec import from_json_data, to_json_data
from tui_app.core.events import ToolCall
from tui_app.core.sanitize import strip_control

_MARK = '{"tool":'
_ENCODER = json.JSONEncoder(separators=(",", ":"))
_RANK = {"pending": 0, "running": 1, "completed": 2, "error": 2, "failed": 2}


def encode(call: ToolCall) -> str:
    return _ENCODER.encode({"tool": to_json_data(call)})


@functools.lru_cache(maxsize=512)
def decode(text: str) -> ToolCall | None:
    """The call `encode` wrote; None for any other text (a part stored by an earlier version)."""
    if not text.startswith(_MARK):
        return None
    try:
        data = json.loads(text)
        call = from_json_data(data["tool"], ToolCall)
    except (ValueError, KeyError, TypeError):
        return None
    return call if isinstance(call, ToolCall) else None


def is_stale(new: ToolCall, old: ToolCall) -> bool:
    """Whether `new` is an earlier state of the call than `old` (delivered late, after a replay):
    a finished call never goes back to running."""
    return _RANK.get(new.state, 1) < _RANK.get(old.state, 1)


def to_markdown(call: ToolCall) -> str:
    """The call as Markdown, for the transcript's text form and the Markdown export: a bold
    line with its name, state and title, then its input and its output or error as code."""
    head = " · ".join(_line(value) for value in (call.name, call.state, call.title) if value)
    shown = [f"**⚙ {head}**\n\n"]
    if call.input:
        shown.append(_fenced("input", call.input))
    detail = call.error if call.failed else call.output
    if detail:
        shown.append(_fenced("error" if call.failed else "output", detail))
    return "".join(shown)


def _line(text: str) -> str:
    # Emphasis, code spans, links and HTML in a service's words would change the line: shown
    # as typed. (An underscore inside a word is no emphasis in CommonMark: `demo_search` stays.)
    escaped = strip_control(text).replace("\n", " ").replace("\\", "\\\\")
    for char in "*`[]<>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def _fenced(label: str, text: str) -> str:
    # A fence longer than any run of backticks in the text, so the text cannot close it.
    body = strip_control(text)
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{label}:\n\n{fence}\n{body}\n{fence}\n\n"

