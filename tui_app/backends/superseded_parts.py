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
the whole text (a delta alone) or a tool call's is never held, nor dropped.
"""

from __future__ import annotations

from tui_app.core.events import DomainEvent, PartUpdated, UsageReported


def _whole_text(event: DomainEvent) -> bool:
    return type(event) is PartUpdated and event.text is not None and event.tool is None


class LatestText:
    """Takes a stream's events in order; gives back the ones to apply now, in order."""

    def __init__(self) -> None:
        self.held: PartUpdated | None = None
        self.held_since: int | None = None
        """The event id of the first frame not handed on (the feed is complete up to just before
        it): a resume after a restart starts there, so nothing held is lost."""
        self.dropped = 0
        """Updates superseded so far (for tests)."""

    def take(self, event: DomainEvent, event_id: int | None) -> list[DomainEvent]:
        """The events to apply now, given the next one and its frame's id."""
        held = self.held
        if _whole_text(event):
            assert isinstance(event, PartUpdated)
            self.held = event
            if held is None:
                self.held_since = event_id
                return []
            if held.part_id == event.part_id and held.message_id == event.message_id:
                self.dropped += 1
                return []
            self.held_since = event_id
            return [held]
        if type(event) is UsageReported:
            return [event]
        return [*self.flush(), event]

    def flush(self) -> list[DomainEvent]:
        """What is held, now (the batch or the stream ended)."""
        held, self.held, self.held_since = self.held, None, None
        return [] if held is None else [held]
