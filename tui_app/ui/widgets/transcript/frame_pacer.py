"""How often the transcript renders while output streams: adapted to the token rate.

A frame costs about the same whatever it carries (a repaint of the changed lines, a layout when
one was added), so a frame that carries one token is mostly waste. While tokens come slower than
`TOKENS_PER_FRAME` per frame at the set rate, frames are spaced to carry about that many, down
to `MIN_FRAME_RATE` (Codex's TUI commits on a 50 ms tick); a fast stream gets the set rate.
Catching up is built in: a frame always shows the newest text, however much arrived since the
last one, so a backlog is drained by the next frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tui_app.core.transcript import Transcript

MIN_FRAME_RATE = 20.0
"""Frames per second at least while output streams (50 ms, as Codex commits)."""
TOKENS_PER_FRAME = 3.0
"""Tokens a frame should carry before the frame rate is raised towards the set one."""
SMOOTHING = 0.2
"""Weight of the newest gap between two tokens in the running estimate."""
QUIET_SECONDS = 1.0
"""A gap longer than this starts the estimate afresh (a new turn, not a slow stream)."""


class FramePacer:
    """The interval to the next frame, from how fast events arrive."""

    def __init__(self, frame_rate: Callable[[], float], clock: Callable[[], float] = time.monotonic) -> None:
        self._frame_rate = frame_rate
        self._clock = clock
        self._last_event: float | None = None
        self._gap: float | None = None
        """Running estimate of the seconds between two events (None: not known yet)."""
        self._after: list[Callable[[], object]] = []

    def after_frame(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the frame being made is on screen (the transcript calls
        `frame_made`). What else a turn's end changes (the footer's keys, the side column, a
        layout each) then waits for the reply's last frame instead of holding it back."""
        if callback not in self._after:
            self._after.append(callback)

    def frame_made(self, after_refresh: Callable[[Callable[[], object]], object]) -> None:
        """The frame is made: what waits for it runs after the screen's next refresh."""
        waiting, self._after = self._after, []
        for callback in waiting:
            after_refresh(callback)

    def event(self) -> None:
        """One more event (a token, usually) arrived."""
        now = self._clock()
        last, self._last_event = self._last_event, now
        if last is None or now - last > QUIET_SECONDS:
            self._gap = None
            return
        gap = now - last
        self._gap = gap if self._gap is None else (1 - SMOOTHING) * self._gap + SMOOTHING * gap

    @property
    def interval(self) -> float:
        """Seconds from one frame to the next: the set rate's, or longer while tokens are slow."""
        shortest = 1 / self._frame_rate()
        if self._gap is None:
            return shortest
        return max(shortest, min(1 / MIN_FRAME_RATE, TOKENS_PER_FRAME * self._gap))


def turn_over(transcript: Transcript) -> bool:
    """Whether the transcript's last turn has ended: its last frame is drawn at once, not at the
    next tick (the end of a reply on screen one frame after its last token, at most)."""
    turn = transcript.last_turn
    return turn is not None and turn.state != "running"
