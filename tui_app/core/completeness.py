"""Completeness you can see: whether a resumed event feed brought back every event of a turn.

What this relies on (PROTOCOL.md; the casedev 0.70.0 SDK types `lastEventId` as an int, "Replay
events after this sequence number", "from buffered events"): Case.dev's `/stream` numbers its
frames with the chat's event sequence, one more per event, and a resume after #N replays what
its buffer still holds after #N. So a resume after #N whose first event is #M > N+1 lost
#N+1..#M-1: the buffer had dropped them. The embedded server numbers exactly so (and its
`replay_window` knob makes such a buffer small). Nothing more is claimed: a jump is worded "may
be incomplete" (a service could number otherwise), and where the ids are not numbers the mark
says that completeness is not known, rather than guessing.

The adapter counts what a resumed feed delivers (`ResumeTally`) and yields a `FeedReplayed`;
the controller stores it and puts its sentence in the turn's reply as a notice part (`note`),
so the view, a restart, the export and the audit log all show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui_app.core.events import DomainEvent, FeedReplayed, PartUpdated, ResumeCause
from tui_app.core.transcript import Message, Transcript

PART_KIND = "notice"
"""A part kind the transcript already shows as a line of the reply (the budget's stop line too)."""
PART_PREFIX = "feed-replayed:"
"""How a completeness mark's part id starts: `feed-replayed:<turn>:<after id>`."""


@dataclass(slots=True)
class ResumeTally:
    """What one resumed connection of a feed delivered: mutable, one per connection."""

    after: int | None
    """The id the feed was asked to replay after."""
    first: int | None = None
    events: int = 0
    unnumbered: bool = False

    def saw(self, raw_id: str | None, number: int | None) -> None:
        """A new frame from the feed: `raw_id` as sent, `number` as read (None: not a number).
        Frames without an id (keepalives, the greeting) are no event of the log: not counted."""
        if raw_id is None:
            return
        self.events += 1
        if number is None:
            self.unnumbered = True
        elif self.first is None:
            self.first = number

    def result(self, turn_id: str | None, cause: ResumeCause) -> FeedReplayed | None:
        """The mark for this connection; None when it delivered nothing (nothing to judge)."""
        if self.events == 0:
            return None
        gap = missing(self.after, self.first)
        return FeedReplayed(
            turn_id,
            cause,
            self.after,
            self.first,
            self.events,
            gap[0] if gap else None,
            gap[1] if gap else None,
            numbered=self.first is not None,
        )


def missing(after: int | None, first: int | None) -> tuple[int, int] | None:
    """The ids a resume after `after` did not get back when its first event was `first`."""
    if after is None or first is None or first <= after + 1:
        return None
    return after + 1, first - 1


def sentence(mark: FeedReplayed) -> str:
    """The mark for a person, one line."""
    after = f"after a {mark.cause}"
    count = f"{mark.events} event{'s' if mark.events != 1 else ''}"
    if not mark.numbered:
        return (
            f"Resumed {after}: {count} came back, but the service's event ids are not numbers, "
            "so whether any are missing is not known."
        )
    if mark.missing_from is not None and mark.missing_to is not None:
        span = (
            f"Event #{mark.missing_from} was"
            if mark.missing_from == mark.missing_to
            else f"Events #{mark.missing_from}–#{mark.missing_to} were"
        )
        return f"{span} not replayed by the service {after}: this part may be incomplete."
    return f"Replayed {count} from #{mark.first_event_id} {after}, nothing missing."


def note(transcript: Transcript, event: DomainEvent) -> PartUpdated | None:
    """The notice part that shows a `FeedReplayed` in its turn's reply; None for other events
    (and for a mark of no known turn: stored, but there is no reply to put it in)."""
    if type(event) is not FeedReplayed or event.turn_id is None:
        return None
    turn_id = event.turn_id
    replies = [m.id for m in transcript.messages if m.turn_id == turn_id and m.role == "assistant"]
    message_id = replies[-1] if replies else f"{PART_PREFIX}{turn_id}"
    part_id = f"{PART_PREFIX}{turn_id}:{event.after_event_id}"
    return PartUpdated(turn_id, message_id, part_id, PART_KIND, text=sentence(event))


def marks(messages: Iterable[Message]) -> dict[str, list[str]]:
    """Each turn's completeness marks, as shown (from the messages: a restored session has them
    there), oldest first."""
    found: dict[str, list[str]] = {}
    for message in messages:
        if message.turn_id is None:
            continue
        for part in message.parts:
            if part.kind == PART_KIND and part.id.startswith(PART_PREFIX):
                found.setdefault(message.turn_id, []).append(part.text)
    return found
