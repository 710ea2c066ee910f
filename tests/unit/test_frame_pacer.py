"""The transcript's frames are spaced to the token rate: a slow stream gets fewer frames, each
carrying a few tokens, and a fast one the set rate (issue 16)."""

from __future__ import annotations

from tui_app.ui.widgets.transcript.frame_pacer import MIN_FRAME_RATE, FramePacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def fed(rate: float, tokens_per_second: float, tokens: int = 50) -> FramePacer:
    clock = Clock()
    pacer = FramePacer(lambda: rate, clock)
    for _ in range(tokens):
        pacer.event()
        clock.now += 1 / tokens_per_second
    return pacer


def test_before_any_rate_is_known_the_set_rate_applies() -> None:
    assert FramePacer(lambda: 30.0).interval == 1 / 30


def test_a_slow_stream_gets_fewer_frames_but_never_fewer_than_the_minimum() -> None:
    assert abs(fed(30.0, 50.0).interval - 1 / MIN_FRAME_RATE) < 1e-9  # 50 tok/s: 20 frames, not 30
    assert abs(fed(30.0, 5.0).interval - 1 / MIN_FRAME_RATE) < 1e-9  # 5 tok/s: still 20 frames


def test_a_fast_stream_gets_the_set_rate_and_a_lower_set_rate_is_kept() -> None:
    assert abs(fed(30.0, 200.0).interval - 1 / 30) < 1e-9
    assert abs(fed(10.0, 50.0).interval - 1 / 10) < 1e-9  # the user asked for 10: never more


def test_a_pause_starts_the_estimate_afresh() -> None:
    clock = Clock()
    pacer = FramePacer(lambda: 30.0, clock)
    for _ in range(20):
        pacer.event()
        clock.now += 0.02
    clock.now += 5.0  # the turn ended; a new one starts
    pacer.event()
    assert pacer.interval == 1 / 30
