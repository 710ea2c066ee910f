"""Completeness you can see: whether a resumed event feed brought back every event of a turn.

What this relies on (PROTOCOL.md; the casedev 0.70.0 SDK types `lastEventId` as an int, "Replay
events after this sequence number", "from buffered events"): Case.dev's `/stream` numbers its
frames with the chat's event sequence, one more per event, and a resume after #N replays what
its buffer still holds after #N. So a resume after #N whose first event is #M > N+1 lost
#N+1..#M-1: the buffer had dropped them. The embedded server numbers exactly so (and its
`replay_window` knob makes such a buffer small). Nothing more is claimed: a jump is worded "may
be incomplete" (a service could number otherwise), and where the ids are not numbers the mark
says that completeness is not known, rather than guessing.

The adapter counts what a resumed feed delivers (`ResumeTally`, over every reconnect of one
follow) and yields a `FeedReplayed` as each connection ends; the controller stores it and puts
its sentence in the turn's reply as a notice part (`note`), one line per follow that a later
mark replaces, so the view, a restart, the export and the audit log all show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from tui_app.core.events import DomainEvent, FeedReplayed, PartUpdated, ResumeCause
from tui_app.core.transcript import Message, Part, Transcript

PART_KIND = "notice"
"""A part kind the transcript already shows as a line of the reply (the budget's stop line too)."""
PART_PREFIX = "feed-replayed:"
"""How a completeness mark's part id starts: `feed-replayed:<turn>:<after id>`."""
_NOTHING_MISSING = ", nothing missing."


class ResumeTally:
    """What one follow of a turn has brought back so far, over each connection it made: mutable,
    one per follow. The adapter calls `connect` before each connection, `saw` for each new frame
    and `result` when a connection ends (or the turn does)."""

    def __init__(self, cause: ResumeCause) -> None:
        self.cause: ResumeCause = cause
        self.after: int | None = None
        """What the first connection that delivered anything resumed after."""
        self.first: int | None = None
        self.events = 0
        self.resumes = 0
        self.missing: list[tuple[int, int]] = []
        self.unnumbered = False
        self._connection_after: int | None = None
        self._connection_events = 0
        self._connection_first: int | None = None

    def connect(self, after: int | None) -> None:
        """A new connection asks for the events after `after`."""
        self._connection_after, self._connection_events, self._connection_first = after, 0, None

    def saw(self, raw_id: str | None, number: int | None) -> None:
        """A new frame from the feed: `raw_id` as sent, `number` as read (None: not a number).
        Frames without an id (keepalives, the greeting) are no event of the log: not counted."""
        if raw_id is None:
            return
        if self._connection_events == 0:
            self.resumes += 1
            if self.resumes == 1:
                self.after = self._connection_after
        self._connection_events += 1
        self.events += 1
        if number is None:
            self.unnumbered = True
        elif self._connection_first is None:
            self._connection_first = number
            self.first = number if self.first is None else self.first
            gap = missing(self._connection_after, number)
            if gap is not None:
                self.missing.append(gap)

    def ended(self, turn_id: str | None) -> FeedReplayed | None:
        """The connection has ended (or the turn has): the mark as it now stands, when this
        connection brought something back (else nothing new to say)."""
        if self._connection_events == 0:
            return None
        self._connection_events = 0
        return self.result(turn_id)

    def result(self, turn_id: str | None) -> FeedReplayed | None:
        """The mark as it stands; None until a connection delivered something."""
        if self.events == 0:
            return None
        numbered = not (self.unnumbered and self.first is None)
        return FeedReplayed(
            turn_id, self.cause, self.after, self.first, self.events, self.resumes, tuple(self.missing), numbered
        )


def missing(after: int | None, first: int | None) -> tuple[int, int] | None:
    """The ids a resume after `after` did not get back when its first event was `first`."""
    if after is None or first is None or first <= after + 1:
        return None
    return after + 1, first - 1


def _span(run: tuple[int, int]) -> str:
    return f"#{run[0]}" if run[0] == run[1] else f"#{run[0]}–#{run[1]}"


def sentence(mark: FeedReplayed) -> str:
    """The mark for a person, one line."""
    when = f"after a {mark.cause}"
    if mark.resumes > 1:
        when += f" ({mark.resumes} resumes)"
    count = f"{mark.events} event{'s' if mark.events != 1 else ''}"
    if not mark.numbered:
        return (
            f"Resumed {when}: {count} came back, but the service's event ids are not numbers, "
            "so whether any are missing is not known."
        )
    if mark.missing:
        runs = [_span(run) for run in mark.missing]
        listed = runs[0] if len(runs) == 1 else ", ".join(runs[:-1]) + " and " + runs[-1]
        single = len(runs) == 1 and mark.missing[0][0] == mark.missing[0][1]
        subject = f"Event {listed} was" if single else f"Events {listed} were"
        return f"{subject} not replayed by the service {when}: this part may be incomplete."
    return f"Replayed {count} from #{mark.first_event_id} {when}{_NOTHING_MISSING}"


def is_client_note(part: Part) -> bool:
    """A line the client wrote into a reply (a completeness mark, a budget's stop), not the agent."""
    return part.kind == PART_KIND


def warns(part: Part) -> bool:
    """Whether a client's note asks for attention: every one but a mark that found nothing
    missing (events not replayed, completeness not known, a turn a budget stopped). Read from
    the sentence, as stored marks keep only it."""
    return not (part.id.startswith(PART_PREFIX) and part.text.endswith(_NOTHING_MISSING))


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
