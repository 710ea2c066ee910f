"""What a stream goes through, said as notices: reconnecting (attempt n), and giving up.

The adapter resumes a stream that broke or stalled on its own (`StreamInterrupted` per attempt,
`StreamGaveUp` when it stops trying); a person, or `tui-app ask` on stderr, should hear of it
rather than watch a turn that seems to hang.
"""

from __future__ import annotations

from tui_app.core.events import StreamGaveUp, StreamInterrupted
from tui_app.workspace.changes import Notice, SessionChange
from tui_app.workspace.signal import Signal


def duration(seconds: float) -> str:
    """`42 s`, `3 min 5 s`: how long, as a person says it."""
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def notice_of(change: SessionChange) -> Notice | None:
    """The notice a change of a session's stream calls for; None for any other change."""
    event, title = change.event, change.session.title
    if isinstance(event, StreamInterrupted):
        message = f"Reconnecting (attempt {event.attempt}) in {duration(event.retry_in)}: {event.reason}."
        return Notice(f"{title}: reconnecting", message, "warning", 5)
    if isinstance(event, StreamGaveUp):
        message = (
            f"Gave up after {event.attempts} attempts over {duration(event.seconds)}: {event.reason}. "
            "The turn may still finish on the service."
        )
        return Notice(f"{title}: stream lost", message, "error")
    return None


def follow(changes: Signal[SessionChange], notices: Signal[Notice]) -> Signal[Notice]:
    """Publish on `notices` what the streams of the sessions on `changes` go through; returns
    `notices`, so the workspace wires it where it makes the signal."""

    def heard(change: SessionChange) -> None:
        if (notice := notice_of(change)) is not None:
            notices.publish(notice)

    changes.subscribe(heard)
    return notices
