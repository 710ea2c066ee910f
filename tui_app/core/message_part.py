"""One part of a message (text, reasoning, a tool call, a recorded question): immutable, its text
growing by appends so a long reply stays linear."""

from __future__ import annotations

from tui_app.core import question_records, tool_calls
from tui_app.core.events import QuestionRecord, ToolCall
from tui_app.core.growing_text import GrowingText


class Part:
    """One part of a message: its id, kind and text so far. Immutable.

    The text is a `GrowingText`: a streamed delta is appended in place of re-joining the whole
    text, so a reply costs time linear in its length (`core/growing_text.py`). Read it as
    `text` (a str, joined when first read), `size`, or `text_from(offset)`.
    """

    __slots__ = ("id", "kind", "_body")

    id: str
    kind: str

    def __init__(self, id: str, kind: str, text: str | GrowingText) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "_body", text if isinstance(text, GrowingText) else GrowingText(text))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Part is immutable: cannot set {name}")

    @property
    def text(self) -> str:
        """For a tool part, its call encoded (`core/tool_calls.py`); read it as `tool`."""
        return self._body.text

    @property
    def body(self) -> GrowingText:
        """The text without joining it: its size, its tail, what a delta appends to."""
        return self._body

    @property
    def size(self) -> int:
        return self._body.size

    def text_from(self, offset: int) -> str:
        """The text from character `offset` on: a printer of new text pays only for the new."""
        return self._body.tail(offset)

    @property
    def tool(self) -> ToolCall | None:
        """A tool part's call; None for other parts and for tool parts stored as a plain line."""
        return tool_calls.decode(self.text) if self.kind == "tool" else None

    @property
    def question(self) -> QuestionRecord | None:
        """A question part's record (what was asked, and what became of it); None for other parts."""
        return question_records.decode(self.text) if self.kind == question_records.KIND else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Part):
            return NotImplemented
        return self.id == other.id and self.kind == other.kind and self._body == other._body

    def __hash__(self) -> int:
        return hash((self.id, self.kind, self._body))

    def __repr__(self) -> str:
        return f"Part(id={self.id!r}, kind={self.kind!r}, text={self._body!r})"
