"""A long reply costs work linear in its length: streamed deltas are appended, never re-joined.

Work is counted, not timed: `GrowingText.chars_copied` counts every character copied by a join
or a branch. Re-joining the text per delta (the old reducer) copies n²/2d characters for a reply
of n characters in deltas of d; appending copies each character a bounded number of times.
"""

from __future__ import annotations

from functools import reduce

from hypothesis import given, settings, strategies as st

from tui_app.core import transcript as reducer
from tui_app.core.events import DomainEvent, MessageCreated, PartUpdated, TurnStarted
from tui_app.core.growing_text import GrowingText
from tui_app.core.transcript import Part, Transcript

DELTAS = 5_000
DELTA = "word " * 8


def deltas(count: int, delta: str = DELTA) -> list[DomainEvent]:
    events: list[DomainEvent] = [TurnStarted("t1"), MessageCreated("t1", "m1")]
    events += [PartUpdated("t1", "m1", "p1", "text", None, delta) for _ in range(count)]
    return events


def the_part(transcript: Transcript) -> Part:
    message = transcript.message("m1")
    assert message is not None
    return message.parts[0]


def test_a_reply_of_many_deltas_is_appended_not_rejoined_per_delta() -> None:
    part = the_part(reduce(reducer.apply, deltas(DELTAS), Transcript()))
    size = DELTAS * len(DELTA)
    assert part.size == size
    assert part.body.chars_copied == 0  # nothing joined while it streamed
    assert part.text == DELTA * DELTAS
    # Read once at the end: each character copied once. Re-joined per delta it would be ~2,500x.
    assert part.body.chars_copied == size


def test_reading_the_text_as_it_grows_only_joins_what_is_new() -> None:
    """A view that reads the text every few deltas (a frame) pays once per character read into
    each new string, never for rebuilding from the pieces again."""
    transcript = Transcript()
    reads = 0
    for n, event in enumerate(deltas(DELTAS)):
        transcript = reducer.apply(transcript, event)
        if n % 500 == 499:
            assert the_part(transcript).text.endswith(DELTA)
            reads += 1
    part = the_part(transcript)
    assert part.text == DELTA * DELTAS
    # Each read copies the text so far once (joined + the new pieces), and no more.
    assert part.body.chars_copied <= (reads + 1) * part.size


def test_a_printer_of_new_text_pays_only_for_the_new_text() -> None:
    transcript = Transcript()
    printed, shown = 0, []
    for event in deltas(DELTAS):
        transcript = reducer.apply(transcript, event)
        if isinstance(event, PartUpdated):
            part = the_part(transcript)
            shown.append(part.text_from(printed))
            printed = part.size
    assert "".join(shown) == DELTA * DELTAS
    assert the_part(transcript).body.chars_copied == 0  # never joined whole


def test_a_late_full_text_that_is_a_prefix_is_checked_without_joining_the_reply() -> None:
    transcript = reduce(reducer.apply, deltas(DELTAS), Transcript())
    stale = PartUpdated("t1", "m1", "p1", "text", DELTA * 3, None)
    assert reducer.apply(transcript, stale) is transcript
    assert the_part(transcript).body.chars_copied == 0


def test_every_version_keeps_its_own_text_when_an_older_one_grows_again() -> None:
    """The transcript is immutable: a replay from an older version must not see newer deltas."""
    start = reduce(reducer.apply, deltas(3, "a"), Transcript())
    newer = reducer.apply(start, PartUpdated("t1", "m1", "p1", "text", None, "b"))
    branch = reducer.apply(start, PartUpdated("t1", "m1", "p1", "text", None, "c"))
    assert (the_part(start).text, the_part(newer).text, the_part(branch).text) == ("aaa", "aaab", "aaac")
    assert the_part(newer) != the_part(branch)
    assert the_part(newer) == Part("p1", "text", "aaab")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=30), st.text(max_size=5), st.booleans()), max_size=40))
def test_growing_any_version_in_any_order_gives_the_plain_concatenation(steps: list[tuple[int, str, bool]]) -> None:
    versions: list[tuple[GrowingText, str]] = [(GrowingText(), "")]
    for pick, more, read in steps:
        grown, plain = versions[pick % len(versions)]
        if read:
            assert grown.text == plain
        versions.append((grown.extended(more), plain + more))
    for grown, plain in versions:
        assert grown.size == len(plain)
        assert grown == plain and grown == GrowingText(plain) and hash(grown) == hash(GrowingText(plain))
        assert grown.text == plain
        for start in (0, 1, len(plain) // 2, len(plain)):
            assert grown.tail(start) == plain[start:]
        for end in (0, 1, len(plain) // 2, len(plain)):
            assert grown.startswith(plain[:end])
        assert not grown.startswith(plain + "x")
