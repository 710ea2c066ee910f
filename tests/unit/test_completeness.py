"""Completeness marks: how a resumed feed is judged from its event ids, and how it is worded."""

from __future__ import annotations

from tui_app.core import completeness, transcript as reducer
from tui_app.core.completeness import ResumeTally, missing, sentence
from tui_app.core.event_codec import decode, encode
from tui_app.core.events import FeedReplayed, MessageCreated, PartUpdated, TurnStarted


def tally_of(*connections: tuple[int, list[str | None]], cause: str = "reconnect") -> ResumeTally:
    """A follow's tally over connections, each (the id it resumed after, the ids it sent)."""
    tally = ResumeTally(cause)  # type: ignore[arg-type]
    for after, ids in connections:
        tally.connect(after)
        for raw in ids:
            tally.saw(raw, int(raw) if raw is not None and raw.isdigit() else None)
    return tally


def test_a_resume_whose_first_event_follows_the_last_seen_misses_nothing() -> None:
    mark = tally_of((1234, [None, "1235", "1236", None, "1237"])).result("t1")
    assert mark == FeedReplayed("t1", "reconnect", 1234, 1235, 3)
    assert sentence(mark) == "Replayed 3 events from #1235 after a reconnect, nothing missing."


def test_a_resume_that_starts_past_the_next_id_names_the_ids_it_lost() -> None:
    mark = tally_of((99, ["121", "122"]), cause="restart").result("t1")
    assert mark is not None and mark.missing == ((100, 120),)
    assert sentence(mark) == "Events #100–#120 were not replayed by the service after a restart: this part may be incomplete."
    one = tally_of((99, ["101"])).result("t1")
    assert one is not None and sentence(one).startswith("Event #100 was not replayed")


def test_several_reconnects_of_one_follow_make_one_mark_with_every_gap() -> None:
    tally = tally_of((10, ["11", "12"]), (12, []), (12, ["15", "16"]), (16, ["20"]))
    mark = tally.result("t1")
    assert mark == FeedReplayed("t1", "reconnect", 10, 11, 5, 3, ((13, 14), (17, 19)))
    assert sentence(mark) == (
        "Events #13–#14 and #17–#19 were not replayed by the service after a reconnect (3 resumes): "
        "this part may be incomplete."
    )


def test_a_mark_is_given_once_per_connection_that_brought_something_back() -> None:
    tally = ResumeTally("reconnect")
    tally.connect(4)
    tally.saw("5", 5)
    assert tally.ended("t1") is not None
    assert tally.ended("t1") is None  # nothing new since
    tally.connect(5)
    assert tally.ended("t1") is None  # a connection that brought nothing back


def test_ids_that_are_not_numbers_leave_completeness_unknown_not_guessed() -> None:
    mark = tally_of((7, ["evt_a", "evt_b"])).result("t1")
    assert mark is not None and not mark.numbered and mark.missing == ()
    assert "not known" in sentence(mark) and "2 events came back" in sentence(mark)


def test_a_connection_that_delivered_no_event_says_nothing() -> None:
    assert tally_of((5, [None, None])).result("t1") is None


def test_missing_is_only_a_jump_forward() -> None:
    assert missing(10, 11) is None
    assert missing(10, 13) == (11, 12)
    assert missing(None, 13) is None and missing(10, None) is None


def test_the_mark_is_a_stored_event_and_a_notice_in_its_turns_reply() -> None:
    mark = FeedReplayed("t1", "restart", 4, 9, 6, 1, ((5, 8),))
    assert decode(encode(mark)) == mark
    transcript = reducer.apply(reducer.apply(reducer.Transcript(), TurnStarted("t1")), MessageCreated("t1", "m1"))
    note = completeness.note(transcript, mark)
    assert note == PartUpdated("t1", "m1", "feed-replayed:t1:4", "notice", text=sentence(mark))
    shown = reducer.apply(transcript, note)
    assert completeness.marks(shown.messages) == {"t1": [sentence(mark)]}
    assert completeness.note(transcript, TurnStarted("t1")) is None


def test_a_mark_for_a_turn_with_no_reply_yet_makes_one() -> None:
    note = completeness.note(reducer.Transcript(), FeedReplayed("t2", "reconnect", 1, 2, 1))
    assert note is not None and note.message_id == "feed-replayed:t2"
