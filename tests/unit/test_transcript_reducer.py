from functools import reduce

from hypothesis import given, settings, strategies as st

from tui_app.core import transcript as reducer
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    ToolCall,
    TurnCompleted,
    TurnStarted,
    UnknownEvent,
    Usage,
    UsageReported,
    UserMessageSent,
)
from tui_app.core.transcript import Transcript

# Imported here, not inside the test: importing a module of @given tests from inside a running
# @given test fails Hypothesis's nested_given health check.
from tests.unit.test_store import conversations


def run(events: list[DomainEvent], start: Transcript | None = None) -> Transcript:
    return reduce(reducer.apply, events, start or Transcript())


def usage(cost: int, output_tokens: int) -> Usage:
    return Usage("m", 10, output_tokens, cost, cost)


def turn_events(turn: str, tokens: list[str], cost: int = 100) -> list[DomainEvent]:
    """What a server sends for one turn: each part update holds the full text so far and a delta."""
    events: list[DomainEvent] = [TurnStarted(turn), MessageCreated(turn, f"{turn}-m")]
    text = ""
    for token in tokens:
        text += token
        events.append(PartUpdated(turn, f"{turn}-m", f"{turn}-p", "text", text=text, delta=token))
    events += [
        MessageCompleted(turn, f"{turn}-m"),
        UsageReported(turn, usage(cost, len(tokens))),
        TurnCompleted(turn, "completed"),
    ]
    return events


tokens_strategy = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=30)


def test_a_turn_builds_the_reply_and_its_cost() -> None:
    transcript = run([UserMessageSent("u1", "hi"), *turn_events("t1", ["Hel", "lo ", "there"], cost=1677)])
    assert [m.role for m in transcript.messages] == ["user", "assistant"]
    assert transcript.messages[1].text == "Hello there"
    assert transcript.messages[1].completed
    assert transcript.turns[0].state == "completed"
    assert transcript.turns[0].usage is not None and transcript.turns[0].usage.total_cost_micros == 1677
    assert transcript.output_tokens == 3


@given(tokens_strategy, st.data())
def test_duplicated_events_change_nothing(tokens: list[str], data: st.DataObject) -> None:
    events = turn_events("t1", tokens)
    duplicated: list[DomainEvent] = []
    for event in events:
        duplicated.append(event)
        if data.draw(st.booleans()):
            duplicated.append(event)
    assert run(duplicated) == run(events)


@given(tokens_strategy, st.data())
def test_a_replayed_suffix_leaves_the_transcript_identical(tokens: list[str], data: st.DataObject) -> None:
    events = turn_events("t1", tokens)
    start = data.draw(st.integers(min_value=0, max_value=len(events) - 1))
    assert run(events + events[start:]) == run(events)


@given(tokens_strategy)
def test_deltas_alone_build_the_text(tokens: list[str]) -> None:
    events: list[DomainEvent] = [PartUpdated("t", "m", "p", "text", delta=token) for token in tokens]
    assert run(events).messages[0].text == "".join(tokens)


def test_a_full_text_overrides_what_deltas_built() -> None:
    events: list[DomainEvent] = [
        PartUpdated("t", "m", "p", "text", delta="Hel"),
        PartUpdated("t", "m", "p", "text", delta="Hel"),  # a resent delta
        PartUpdated("t", "m", "p", "text", text="Hello", delta="lo"),
    ]
    assert run(events).messages[0].text == "Hello"


def test_parts_keep_the_order_they_first_appeared_in() -> None:
    events: list[DomainEvent] = [
        PartUpdated("t", "m", "p1", "text", text="one "),
        PartUpdated("t", "m", "p2", "text", text="two"),
        PartUpdated("t", "m", "p1", "text", text="one, more "),
    ]
    assert run(events).messages[0].text == "one, more two"


def test_unknown_events_are_ignored() -> None:
    before = run(turn_events("t1", ["a"]))
    assert reducer.apply(before, UnknownEvent("session.compacted", {"x": 1})) is before


def test_a_later_usage_report_replaces_an_earlier_one() -> None:
    events = [
        *turn_events("t1", ["a"], cost=1000),
        TurnStarted("t2"),
        UsageReported("t2", usage(200, 2)),
        UsageReported("t2", usage(450, 5)),
    ]
    transcript = run(events)
    assert [t.usage.total_cost_micros for t in transcript.turns if t.usage] == [1000, 450]


def test_a_failed_turn_keeps_its_error() -> None:
    transcript = run([TurnStarted("t1"), TurnCompleted("t1", "failed", "boom")])
    assert transcript.turns[0].usage is None
    assert transcript.turns[0].error == "boom"


@given(tokens_strategy, st.data())
def test_dropped_part_updates_are_healed_by_any_later_full_text(tokens: list[str], data: st.DataObject) -> None:
    events = turn_events("t1", tokens)
    parts = [i for i, e in enumerate(events) if isinstance(e, PartUpdated)]
    # Lose any part updates but the last (a reconnect replays from the server's full text).
    lost = set(data.draw(st.lists(st.sampled_from(parts[:-1]), unique=True))) if len(parts) > 1 else set()
    survivors = [e for i, e in enumerate(events) if i not in lost]
    assert run(survivors) == run(events)


@given(tokens_strategy, tokens_strategy, st.data())
def test_two_turns_with_noise_in_between_equal_the_clean_run(first: list[str], second: list[str], data: st.DataObject) -> None:
    clean = [UserMessageSent("u1", "a"), *turn_events("t1", first), UserMessageSent("u2", "b"), *turn_events("t2", second)]
    noisy: list[DomainEvent] = []
    for event in clean:
        noisy.append(event)
        if data.draw(st.booleans()):
            noisy.append(data.draw(st.sampled_from(noisy)))  # a stale or duplicated event
    noisy.append(UnknownEvent("x.y", {}))
    assert [m.text for m in run(noisy).messages] == [m.text for m in run(clean).messages]
    assert [t.usage for t in run(noisy).turns] == [t.usage for t in run(clean).turns]


def test_reasoning_and_tool_calls_are_shown_around_the_text_but_are_not_the_text() -> None:
    events: list[DomainEvent] = [
        PartUpdated("t", "m", "r", "reasoning", text="Let me think.\nStill thinking."),
        PartUpdated("t", "m", "k", "tool", tool=ToolCall("demo_search", "running", '{"query":"cats"}')),
        PartUpdated("t", "m", "k", "tool", tool=ToolCall("demo_search", "completed", '{"query":"cats"}', "3 results")),
        PartUpdated("t", "m", "p", "text", text="The answer."),
    ]
    message = run(events).messages[0]
    assert message.text == "The answer."
    assert message.parts[1].tool == ToolCall("demo_search", "completed", '{"query":"cats"}', "3 results")
    assert message.display_text == (
        "> *thinking*\n>\n> Let me think.\n> Still thinking.\n\n"
        '**⚙ demo_search · completed**\n\ninput:\n\n```\n{"query":"cats"}\n```\n\noutput:\n\n```\n3 results\n```\n\n'
        "The answer."
    )


def test_a_tool_call_never_goes_back_to_an_earlier_state() -> None:
    done = ToolCall("demo_search", "error", error="upstream returned 502")
    events: list[DomainEvent] = [
        PartUpdated("t", "m", "k", "tool", tool=ToolCall("demo_search", "pending")),
        PartUpdated("t", "m", "k", "tool", tool=done),
        PartUpdated("t", "m", "k", "tool", tool=ToolCall("demo_search", "running")),  # replayed late
    ]
    assert run(events).messages[0].parts[0].tool == done


def test_a_tool_part_stored_as_a_line_by_an_earlier_version_is_shown_as_that_line() -> None:
    message = run([PartUpdated("t", "m", "k", "tool", text="demo_search · completed\n3 results")]).messages[0]
    assert message.parts[0].tool is None
    assert "demo_search · completed\n3 results" in message.display_text


def test_markdown_in_a_tool_call_cannot_break_out_of_its_block() -> None:
    call = ToolCall("*x*", "completed", output="```\n# heading\n```")
    message = run([PartUpdated("t", "m", "k", "tool", tool=call)]).messages[0]
    assert message.display_text.startswith("**⚙ \\*x\\* · completed**")
    assert "````\n```\n# heading\n```\n````" in message.display_text


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_applying_a_history_at_once_equals_applying_it_event_by_event(data: st.DataObject) -> None:
    start = run(data.draw(conversations()))
    events = data.draw(conversations())
    assert reducer.apply_all(start, events) == run(events, start)
