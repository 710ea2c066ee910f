"""A streamed part's text, held once for a chat's whole replay log.

Every `message.part.updated` of a streaming part carries the part's whole text so far (as
OpenCode's events do), so a log that kept each payload as sent would hold a 5,000-token reply
about 5,000 times over: O(n^2) characters, tens of megabytes per reply. The log keeps instead,
per event, the text's length at that point and a holder shared by the part's events with its
latest text: the text at an event is a prefix of the latest one as long as each update extends
the one before, which is checked (an update that does not, starts a holder of its own). A
replay rebuilds the payload exactly as it was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PART_UPDATED = "message.part.updated"


@dataclass(slots=True)
class SharedText:
    """The latest text of one part; every earlier text of the part's events is a prefix of it."""

    text: str
    key: int
    """The seq of the first event that held it: unique in its chat, the store's key for it."""


class ChatEvent:
    """One event of a chat's log. A part update's text is held as (shared, length), not copied,
    and its other fields as a dict shared with the part's other updates, plus its own delta."""

    __slots__ = ("_delta", "_length", "_shared", "_stored", "name", "seq")

    def __init__(
        self,
        seq: int,
        name: str,
        payload: dict[str, Any],
        shared: SharedText | None = None,
        length: int = 0,
        delta: str | None = None,
    ) -> None:
        self.seq = seq
        self.name = name
        self._stored = payload
        self._shared = shared
        self._length = length
        self._delta = delta

    @property
    def payload(self) -> dict[str, Any]:
        """The payload as published: a part's text rebuilt from the shared holder."""
        if self._shared is None:
            return self._stored
        part = self._stored["part"]
        # Slicing a str to its whole length returns the same object: a live reader copies nothing.
        text = self._shared.text[: self._length]
        rebuilt = {**self._stored, "part": {key: (text if key == "text" else value) for key, value in part.items()}}
        if self._delta is not None:
            rebuilt["delta"] = self._delta  # last, where it was published (checked when stored)
        return rebuilt

    def without_text(self) -> tuple[dict[str, Any], SharedText | None, int]:
        """The payload with a shared part text left out ("" in its place), the text's holder and
        its length at this event: what the chat store writes, so a reply is stored once."""
        if self._shared is None:
            return self._stored, None, 0
        stored = self._stored if self._delta is None else {**self._stored, "delta": self._delta}
        return stored, self._shared, self._length

    @property
    def turn_id(self) -> Any:
        """The payload's `turnId` (None if absent), without rebuilding a part's text."""
        return self._stored.get("turnId")

    def __repr__(self) -> str:
        return f"ChatEvent(seq={self.seq}, name={self.name!r}, turn_id={self.turn_id!r})"


class PartTexts:
    """The latest text of each part still streaming in one chat, by part id."""

    def __init__(self) -> None:
        self._latest: dict[str, SharedText] = {}
        self._fields: dict[str, dict[str, Any]] = {}
        """Per part, the fields of its last update but its text and delta: the same in most."""

    def event(self, seq: int, name: str, payload: dict[str, Any]) -> ChatEvent:
        """The log's event for this payload: a part update's text shared with the part's others."""
        part = payload.get("part") if name == PART_UPDATED else None
        part_id = payload.get("partId")
        text = part.get("text") if isinstance(part, dict) else None
        if not isinstance(text, str) or not isinstance(part_id, str):
            return ChatEvent(seq, name, payload)
        assert isinstance(part, dict)
        shared = self._latest.get(part_id)
        if shared is not None and text.startswith(shared.text):
            shared.text = text
        else:
            shared = self._latest[part_id] = SharedText(text, seq)
        delta = payload.get("delta")
        if isinstance(delta, str) and next(reversed(payload)) == "delta":
            fields = {key: value for key, value in payload.items() if key != "delta"}
        else:
            fields, delta = dict(payload), None
        fields["part"] = {**part, "text": ""}
        # Shared when equal: a streamed part's updates differ only in their text and delta.
        if self._fields.get(part_id) == fields:
            fields = self._fields[part_id]
        else:
            self._fields[part_id] = fields
        return ChatEvent(seq, name, fields, shared, len(text), delta)

    def forget(self) -> None:
        """The turn is over: its parts stream no more (a later update starts a holder anew)."""
        self._latest.clear()
        self._fields.clear()
