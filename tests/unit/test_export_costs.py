"""Export reads the one cost model: a turn without a price is unknown there too, never $0."""

from __future__ import annotations

import json
from pathlib import Path

from tui_app.core.events import (
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    ToolCall,
    TurnCompleted,
    TurnStarted,
    Usage,
    UsageEntry,
    UsageReported,
)
from tui_app.persistence.store import SessionRecord, Store
from tui_app.workspace import export


def test_an_unpriced_turn_makes_the_exported_total_at_least_what_was_priced(tmp_path: Path) -> None:
    priced = Usage("m", 10, 5, 1_200, 1_200, (UsageEntry("e1", "llm", 1_200),))
    events = [
        TurnStarted("t1"),
        MessageCreated("t1", "m1"),
        PartUpdated("t1", "m1", "p1", "text", text="Hello"),
        PartUpdated("t1", "m1", "k1", "tool", tool=ToolCall("demo_search", "completed", '{"query": "x"}', "1 result")),
        MessageCompleted("t1", "m1"),
        UsageReported("t1", priced),
        TurnCompleted("t1", "completed"),
        TurnStarted("t2"),
        MessageCreated("t2", "m2"),
        PartUpdated("t2", "m2", "p2", "text", text="Cut off"),
        TurnCompleted("t2", "failed", "the stream broke"),  # ended without any usage: no price
    ]
    with Store(tmp_path / "tui-app.db") as store:
        store.save_session(SessionRecord("s1", "local", "r1", "Trip", None, "ready", "micros", 1.0, 2.0))
        store.append_events("s1", events)
        loaded = export.load(store, "s1")
    text = export.to_markdown(loaded)
    assert "*turn cost $0.0012 · " in text
    assert "*turn cost unknown · " in text
    assert "**Total: ≥ $0.0012 (1 billable entries; 1 turn(s) without a price)**" in text
    assert "**⚙ demo_search · completed**" in text and "1 result" in text
    data = json.loads(export.to_json(loaded))
    assert data["totals"] == {"micros": 1_200} and data["total_unknown"] is True
    assert [turn["cost"] for turn in data["turns"]] == [1_200, None]
    tool = next(part for message in data["messages"] for part in message["parts"] if part["kind"] == "tool")
    assert tool["tool"]["name"] == "demo_search" and tool["tool"]["output"] == "1 result"
