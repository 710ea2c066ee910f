"""The embedded server's replay log holds a streamed part's text once, not once per token
(issue 16): every `message.part.updated` carries the whole text so far, and a log that kept
each payload as sent held a reply of n tokens O(n^2) characters. What a reader is sent from the
log must stay exactly what was published."""

from __future__ import annotations

import copy
import gc
import tracemalloc
from typing import Any

from tui_app.server.chat_model import Chat
from tui_app.server.part_texts import PartTexts

TOKENS = 4_000
TOKEN = "word "  # the final text is 20,000 characters; kept per event that is 40 MB


def _chat(window: int = 100_000) -> Chat:
    return Chat(
        id="chat_1", title=None, model="m", idle_timeout_ms=1000, created_at="", created=0.0,
        last_activity=0.0, replay_window=lambda: window,
    )  # fmt: skip


def _part_update(part_id: str, text: str, delta: str | None = None, kind: str = "text") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "turnId": "turn_1", "messageId": "msg_1", "partId": part_id, "part": {"id": part_id, "type": kind, "text": text},
    }  # fmt: skip
    if delta is not None:
        payload["delta"] = delta
    return payload


def _stream(chat: Chat, part_id: str, tokens: int) -> None:
    shown = ""
    for _ in range(tokens):
        shown += TOKEN  # a new string per token, as the turn runner builds it
        chat.append("message.part.updated", _part_update(part_id, shown, TOKEN))


def test_a_long_reply_is_held_in_memory_linear_in_its_length() -> None:
    gc.collect()
    tracemalloc.start()
    try:
        chat = _chat()
        _stream(chat, "prt_1", TOKENS)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(chat.events) == TOKENS
    # An event costs about 150 bytes (its delta and slots); the texts, kept per event, would be 40 MB.
    assert held < 2_000_000, f"the log holds {held / 1e6:.1f} MB for a {TOKENS}-token reply"
    assert chat.events[-1].payload["part"]["text"] == TOKEN * TOKENS


def test_every_event_reads_back_as_published() -> None:
    chat = _chat()
    published: list[dict[str, Any]] = []

    def append(name: str, payload: dict[str, Any]) -> None:
        published.append(copy.deepcopy(payload))
        chat.append(name, payload)

    append("turn.started", {"turnId": "turn_1", "chatId": "chat_1"})
    text = ""
    for token in ["Hel", "lo", " wor", "ld"]:
        text += token
        append("message.part.updated", _part_update("prt_a", text, token))
    # A part that does not grow by appending (rewritten, then shortened) is kept as sent.
    append("message.part.updated", _part_update("prt_a", "Goodbye"))
    append("message.part.updated", _part_update("prt_a", "Good"))
    append("message.part.updated", _part_update("prt_a", "Good night", " night"))
    # Two parts interleaved, a tool part (no text), an empty text.
    append("message.part.updated", _part_update("prt_b", "", kind="reasoning"))
    append("message.part.updated", _part_update("prt_b", "think", "think", kind="reasoning"))
    append("message.part.updated", _part_update("prt_a", "Good night!", "!"))
    # A delta that is not the last field is kept where it was.
    append("message.part.updated", {"delta": "?", **_part_update("prt_a", "Good night!?")})
    tool = {"turnId": "turn_1", "messageId": "msg_1", "partId": "prt_t", "part": {"id": "prt_t", "type": "tool"}}
    append("message.part.updated", tool)
    append("turn.completed", {"turnId": "turn_1", "status": "completed"})
    # The next turn reuses a part id: its text is its own, not an extension of the last turn's.
    append("message.part.updated", _part_update("prt_a", "Good night! again"))
    append("message.part.updated", _part_update("prt_a", "new"))

    assert [event.payload for event in chat.events] == published
    assert [list(event.payload) for event in chat.events] == [list(p) for p in published]
    # A reader that changes what it was handed changes no other event (their fields are shared).
    chat.events[2].payload["part"]["type"] = "changed"
    chat.events[2].payload["turnId"] = "changed"
    assert [event.payload for event in chat.events] == published
    assert [event.turn_id for event in chat.events] == [p.get("turnId") for p in published]
    # Key order as published: a resuming client is sent byte-identical frames.
    assert [list(event.payload["part"]) for event in chat.events if "part" in event.payload] == [
        list(p["part"]) for p in published if "part" in p
    ]


def test_a_trimmed_log_still_replays_whole_texts() -> None:
    chat = _chat(window=5)
    _stream(chat, "prt_1", 12)
    assert [event.seq for event in chat.events] == list(range(8, 13))
    assert [event.payload["part"]["text"] for event in chat.events] == [TOKEN * n for n in range(8, 13)]
    assert chat.events_after(10)[0].payload["part"]["text"] == TOKEN * 11


def test_events_read_back_from_a_store_share_their_texts_too() -> None:
    texts = PartTexts()
    events = [texts.event(seq, "message.part.updated", _part_update("p", "ab"[:seq])) for seq in (1, 2)]
    assert [event.payload["part"]["text"] for event in events] == ["a", "ab"]
