"""Exporting a stored session: Markdown a person reads, JSON with everything."""

from __future__ import annotations

import json
from pathlib import Path

from tests.stored_sessions import two_sessions
from tui_app.workspace import export
from tui_app.backends.connection import Connection
from tui_app.core.money import format_micros
from tui_app.persistence.store import Store


async def test_markdown_has_a_header_per_message_tool_calls_each_turns_cost_and_the_total(
    connection: Connection, tmp_path: Path
) -> None:
    paris, _ = await two_sessions(connection, tmp_path)
    with Store(tmp_path / "tui-app.db") as store:
        text = export.to_markdown(export.load(store, paris.id))
        entries = store.usage_entries(paris.id)
    assert text.startswith("# Paris trip\n")
    headers = [line for line in text.splitlines() if line.startswith("## ")]
    assert [h.split(" · ")[0] for h in headers] == ["## You", "## Agent", "## You", "## Agent"]
    # Each header has the time the message was stored; the agent's also its model.
    assert all(len(h.split(" · ")) >= 2 and h.split(" · ")[1][:4].isdigit() for h in headers)
    model = paris.transcript.turns[0].usage.model  # type: ignore[union-attr]
    assert model and headers[1].endswith(f" · {model}")
    assert "plan a trip to Paris, use a tool" in text
    assert "⚙ demo_search" in text  # the tool call, with its state
    for turn in paris.transcript.turns:
        cost = sum(e.cost for e in entries if e.turn_id == turn.id)
        assert f"*turn cost {format_micros(cost)} · " in text
    total = sum(e.cost for e in entries)
    assert text.rstrip().endswith(f"**Total: {format_micros(total)} ({len(entries)} billable entries)**")


async def test_json_has_everything_including_usage_entries_as_integers(connection: Connection, tmp_path: Path) -> None:
    paris, _ = await two_sessions(connection, tmp_path)
    with Store(tmp_path / "tui-app.db") as store:
        data = json.loads(export.to_json(export.load(store, paris.id)))
        entries = store.usage_entries(paris.id)
    assert data["format"] == "tui-app-session" and data["session"]["title"] == "Paris trip"
    assert [m["role"] for m in data["messages"]] == ["user", "assistant", "user", "assistant"]
    assert all(isinstance(m["created_at"], float) for m in data["messages"])
    kinds = {p["kind"] for m in data["messages"] for p in m["parts"]}
    assert {"text", "tool", "reasoning"} <= kinds
    assert [e["id"] for e in data["usage_entries"]] == [e.id for e in entries]
    assert {e["kind"] for e in data["usage_entries"]} == {"llm", "api"}
    assert data["totals"] == {"micros": sum(e.cost for e in entries)}
    assert [t["cost"] for t in data["turns"]] == [
        sum(e.cost for e in entries if e.turn_id == t.id) for t in paris.transcript.turns
    ]
    assert data["turns"][0]["usage"]["output_tokens"] > 0


def test_control_sequences_in_a_title_never_reach_the_markdown(tmp_path: Path) -> None:
    from tui_app.persistence.store import SessionRecord

    with Store(tmp_path / "tui-app.db") as store:
        store.save_session(SessionRecord("s1", "local", None, "evil\x1b]0;pwned\x07 title", None, "ready", "micros", 1.0, 2.0))
        text = export.to_markdown(export.load(store, "s1"))
    assert "\x1b" not in text and "\x07" not in text
    assert "Total cost: nothing billed" in text


def test_a_suggested_file_name_is_safe_on_any_file_system() -> None:
    from tui_app.persistence.store import SessionRecord

    record = SessionRecord("abcdef0123", "local", None, "Paris: trip/../ é 2!", None, "ready", "micros", 1.0, 2.0)
    assert export.suggested_name(record, "md") == "paris-trip-2-abcdef01.md"
    assert export.suggested_name(SessionRecord("x" * 9, "local", None, "…", None, "ready", "micros", 1.0, 2.0), "json") == "session-xxxxxxxx.json"
