"""Tool calls are structured from the wire to the store: each backend maps them, the reducer keeps
them, the codec and the store round-trip them, and what older versions stored still loads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_app.backends.casedev_wire import StreamNormalizer, respond_event_to_domain
from tui_app.backends.stewrd_wire import StewrdTurn
from tui_app.core import transcript as reducer
from tui_app.core.event_codec import decode, encode
from tui_app.core.events import MessageCreated, PartUpdated, ToolCall, TurnStarted
from tui_app.core.transcript import Transcript
from tui_app.persistence.store import SessionRecord, Store

SEARCH_INPUT = {"query": "cats"}


def casedev_tool_frame(state: dict[str, object]) -> dict[str, object]:
    part = {"id": "prt_1", "type": "tool", "tool": "demo_search", "callID": "call_1", "state": state}
    return {"turnId": "t1", "messageId": "m1", "part": part}


def test_a_casedev_tool_part_becomes_a_tool_call_through_its_states() -> None:
    states = [
        {"status": "pending", "input": SEARCH_INPUT},
        {"status": "running", "input": SEARCH_INPUT, "title": "Searching for cats"},
        {"status": "completed", "input": SEARCH_INPUT, "output": "3 results", "title": "Searching for cats"},
    ]
    events = [respond_event_to_domain("message.part.updated", casedev_tool_frame(state)) for state in states]
    assert all(isinstance(e, PartUpdated) and e.kind == "tool" and e.text is None for e in events)
    assert [e.tool for e in events] == [  # type: ignore[union-attr]
        ToolCall("demo_search", "pending", '{"query": "cats"}'),
        ToolCall("demo_search", "running", '{"query": "cats"}', title="Searching for cats"),
        ToolCall("demo_search", "completed", '{"query": "cats"}', "3 results", title="Searching for cats"),
    ]


def test_a_failed_casedev_tool_call_keeps_its_error() -> None:
    event = respond_event_to_domain("message.part.updated", casedev_tool_frame({"status": "error", "error": "upstream 502"}))
    assert isinstance(event, PartUpdated) and event.tool is not None
    assert event.tool.failed and event.tool.error == "upstream 502" and event.tool.output is None


def test_the_casedev_event_feed_maps_tool_parts_the_same_way() -> None:
    feed = StreamNormalizer("t1")
    part = {**casedev_tool_frame({"status": "running", "input": SEARCH_INPUT})["part"], "messageID": "m1"}  # type: ignore[dict-item]
    event = feed.to_domain("message.part.updated", {"type": "message.part.updated", "properties": {"part": part}})
    assert isinstance(event, PartUpdated) and event.tool == ToolCall("demo_search", "running", '{"query": "cats"}')


def test_stewrd_tool_frames_become_one_tool_call_that_completes() -> None:
    turn = StewrdTurn.new()
    started = turn.to_domain("tool_start", {"tool": "research", "message": "Looking it up"})
    ended = turn.to_domain("tool_end", {"tool": "research"})
    assert [e.tool for e in started + ended] == [  # type: ignore[union-attr]
        ToolCall("research", "running", title="Looking it up"),
        ToolCall("research", "completed", title="Looking it up"),
    ]
    assert started[0].part_id == ended[0].part_id  # type: ignore[union-attr]


def test_an_old_stored_tool_event_with_only_text_still_decodes_and_shows_its_line() -> None:
    # The body an earlier version stored for a tool part: no `tool` field, the call as a line.
    old_body = (
        '{"kind":"PartUpdated","fields":{"turn_id":"t1","message_id":"m1","part_id":"p1","kind":"tool",'
        '"text":"demo_search · completed · Searching for cats\\n3 results","delta":null}}'
    )
    event = decode(old_body)
    assert event == PartUpdated("t1", "m1", "p1", "tool", "demo_search · completed · Searching for cats\n3 results")
    part = reducer.apply(Transcript(), event).messages[0].parts[0]
    assert part.tool is None
    assert "demo_search · completed · Searching for cats\n3 results" in reducer.apply(Transcript(), event).messages[0].display_text


def test_a_tool_event_round_trips_through_the_codec() -> None:
    event = PartUpdated("t1", "m1", "p1", "tool", tool=ToolCall("x", "error", "{}", None, "boom", "t", 2_000))
    assert decode(encode(event)) == event


def test_a_restored_session_has_the_same_tool_calls_a_replay_gives(tmp_path: Path) -> None:
    call = ToolCall("demo_search", "completed", '{"query": "cats"}', "3 results", title="Searching")
    events = [
        TurnStarted("t1"),
        MessageCreated("t1", "m1"),
        PartUpdated("t1", "m1", "p1", "tool", tool=ToolCall("demo_search", "running", '{"query": "cats"}')),
        PartUpdated("t1", "m1", "p1", "tool", tool=call),
    ]
    path = tmp_path / "tui-app.db"
    with Store(path) as store:
        store.save_session(SessionRecord("s1", "local", "r1", "S", None, "ready", "micros", 1.0, 1.0))
        store.append_events("s1", events)
        restored = store.load_transcript("s1").transcript
    replayed = reducer.apply_all(Transcript(), events)
    assert restored == replayed
    assert restored.messages[0].parts[0].tool == call
    # What the store keeps of the part is the call itself, not a line to parse back.
    (text,) = sqlite3.connect(path).execute("SELECT text FROM parts WHERE part_id = 'p1'").fetchone()
    assert decode(encode(events[-1])) == events[-1] and '"output":"3 results"' in text
