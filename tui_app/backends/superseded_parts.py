"""A paced stream keeps, of a run of updates to one part, only the last: it carries the text so far.

Case.dev (like OpenCode) sends a text part's whole text with every token. A session off screen is
read a few times a second (`pace_reads`), each read bringing a dozen frames of the same part;
applying, storing and publishing each of them makes the same text eleven times for no one. So an
update that carries a part's whole text is held back, and replaced by the next update of the same
part; it is handed on when anything else comes (its message completed, a tool call, a question,
another part), when the batch read ends (`sse_stream.BATCH_END`), or when the stream does.

A usage report passes a held update (it moves the ledger and the turn's usage, which a part's text
does not touch: applied in either order, the transcript and the ledger end up the same). Any other
event goes after it, so every event keeps its place but the superseded updates. An update without
the whole text (a delta alone) or a tool call's is never held, nor dropped. A frame whose first
bytes say it is a text part's update (`raw_update`) is held undecoded, and decoded only if it is
handed on: of a dozen frames of a read, one is decoded.

With `usage=True`, a usage report is held the same way, and dropped when the next report of its
turn supersedes it: a report is the turn's usage so far, and applying the two one after the
other leaves the transcript and the ledger exactly as the later alone does (`supersedes` asks
the reducer and the ledger themselves). A service reports usage every few tokens: a read off
screen brings one or two, and each applied report is also stored and published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui_app.backends.sse_stream import SseMessage
from tui_app.core import transcript as reducer
from tui_app.core.events import DomainEvent, PartUpdated, UsageReported
from tui_app.core.transcript import Transcript
from tui_app.core.usage_ledger import UsageLedger

_TEXT_UPDATE = re.compile(
    r'\{"type": ?"message\.part\.updated", ?"turnId": ?"[^"\\]+", ?"messageId": ?"([^"\\]+)", ?'
    r'"partId": ?"([^"\\]+)", ?"part": ?\{"id": ?"[^"\\]*", ?"type": ?"text", ?"text": ?"'
)
"""The first bytes of a text part's update that carries the whole text, as the service writes
it: at the start of the object, so each key is the object's own (no string holds an unescaped
quote). Any other shape is decoded as it comes; this one only when it is not superseded."""


@dataclass(frozen=True, slots=True)
class RawUpdate:
    """A frame known by its first bytes to update the text of (message id, part id), not decoded
    yet: if a later frame of the same part supersedes it, it never is."""

    sse: SseMessage
    key: tuple[str, str]


def raw_update(sse: SseMessage) -> RawUpdate | None:
    """The frame as a `RawUpdate`, if it is one by its event name and first bytes."""
    if sse.event != "message.part.updated" or (found := _TEXT_UPDATE.match(sse.data)) is None:
        return None
    return RawUpdate(sse, (found[1], found[2]))


Item = DomainEvent | RawUpdate


def _whole_text(item: Item) -> bool:
    return type(item) is RawUpdate or (type(item) is PartUpdated and item.text is not None and item.tool is None)


def _key(item: PartUpdated | RawUpdate) -> tuple[str, str]:
    return item.key if isinstance(item, RawUpdate) else (item.message_id, item.part_id)


def supersedes(later: UsageReported, earlier: UsageReported) -> bool:
    """Whether applying `earlier`, then `later`, leaves a turn's usage in the transcript and the
    ledger as `later` alone does. Asked of empty ones; it then holds after anything: the ledger
    keeps each entry's highest cost and the reducer ignores a snapshot older than the one it
    has, so what `later` alone overrides, `earlier` then `later` does too."""
    if later.turn_id != earlier.turn_id:
        return False
    turn, usage = later.turn_id, later.usage
    alone = UsageLedger().record("", turn, usage, "micros")
    if UsageLedger().record("", turn, earlier.usage, "micros").record("", turn, usage, "micros") != alone:
        return False
    return reducer.apply(reducer.apply(Transcript(), earlier), later) == reducer.apply(Transcript(), later)


class LatestText:
    """Takes a stream's events in order; gives back the ones to apply now, in order."""

    def __init__(self, usage: bool = False) -> None:
        self.held: PartUpdated | RawUpdate | None = None
        self._held_from: int | None = None
        self._holds_usage = usage
        self.usage: UsageReported | None = None
        """The usage report held back (with `usage=True`)."""
        self._usage_from: int | None = None
        self.dropped = 0
        """Updates (and usage reports) superseded so far (for tests)."""

    @property
    def held_since(self) -> int | None:
        """The event id of the first frame not handed on (the feed is complete up to just before
        it): a resume after a restart starts there, so nothing held is lost."""
        since = [n for n in (self._held_from, self._usage_from) if n is not None]
        return min(since) if since else None

    def take(self, item: Item, event_id: int | None) -> list[Item]:
        """The events (or frames to decode) to apply now, given the next one and its frame's id."""
        held = self.held
        if _whole_text(item):
            assert isinstance(item, PartUpdated | RawUpdate)
            self.held = item
            if held is None:
                self._held_from = event_id
                return []
            if _key(held) == _key(item):
                self.dropped += 1
                return []
            self._held_from = event_id
            return [held]
        if type(item) is UsageReported:
            if not self._holds_usage:
                return [item]
            older, self.usage = self.usage, item
            if older is None:
                self._usage_from = event_id
                return []
            if supersedes(item, older):
                self.dropped += 1
                return []
            self._usage_from = event_id
            return [older]
        return [*self.flush(), item]

    def flush(self) -> list[Item]:
        """What is held, now (the batch or the stream ended)."""
        held = [item for item in (self.held, self.usage) if item is not None]
        self.held = self.usage = self._held_from = self._usage_from = None
        return held
