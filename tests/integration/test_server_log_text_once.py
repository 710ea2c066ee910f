"""The embedded server's stored replay log holds a streamed part's text once, not once per event.

Every `message.part.updated` carries the part's whole text so far, so storing each payload as
sent would write a reply about as many times over as it has tokens: O(n^2) characters on disk
and in every write. The store keeps each event's text as a length into its part's latest text
(chat_store.py); a restart replays every payload exactly as it was published."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.integration.test_server_persistence import running
from tests.server_client import text_of
from tui_app.server import chat_model


def stored_text_chars(store: Path) -> tuple[int, int]:
    """(characters of part text in the events' payloads and the part texts, part updates)."""
    db = sqlite3.connect(store)
    try:
        payloads = [json.loads(row[0]) for row in db.execute("SELECT payload FROM events WHERE name = 'message.part.updated'")]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        held = db.execute("SELECT coalesce(sum(length(text)), 0) FROM part_texts").fetchone()[0] if "part_texts" in tables else 0
    finally:
        db.close()
    return sum(len(payload["part"].get("text", "")) for payload in payloads) + held, len(payloads)


def test_a_long_reply_is_stored_with_its_text_once_and_replayed_exactly(tmp_path: Path) -> None:
    store = tmp_path / "local-server.db"
    with running(store) as first:
        chat = first.create()
        reply = text_of(first.respond(chat, "tell me everything " * 40))
        second_reply = text_of(first.respond(chat, "and more"))
        published = first.stream(chat, 0)
    chars, updates = stored_text_chars(store)
    assert updates > 100  # streamed token by token: the payloads would repeat the text many times
    # Each reply once, plus the tool output and file parts' texts: far below one copy per event.
    assert chars <= 2 * (len(reply) + len(second_reply))
    with running(store) as again:
        assert again.stream(chat, 0) == published


def test_a_trimmed_log_keeps_the_text_its_remaining_events_need(tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "local-server.db"
    monkeypatch.setattr(chat_model, "REPLAY_BUFFER", 25)
    with running(store) as first:
        chat = first.create()
        first.respond(chat, "one")
        first.respond(chat, "two")
        kept = first.stream(chat, 0)
    db = sqlite3.connect(store)
    try:
        holders = db.execute("SELECT count(*) FROM part_texts").fetchone()[0]
        used = db.execute("SELECT count(DISTINCT text_holder) FROM events WHERE text_holder IS NOT NULL").fetchone()[0]
    finally:
        db.close()
    assert holders == used  # the first turn's texts went with its events
    monkeypatch.setattr(chat_model, "REPLAY_BUFFER", 10_000)
    with running(store) as again:
        assert again.stream(chat, 0) == kept


def test_events_stored_whole_by_an_earlier_version_are_replayed_as_they_were(tmp_path: Path) -> None:
    # Schema 1 stored every payload with its whole text and no holder: such rows still load.
    store = tmp_path / "local-server.db"
    with running(store) as first:
        chat = first.create()
        reply = text_of(first.respond(chat, "hello"))
        published = first.stream(chat, 0)
    db = sqlite3.connect(store)
    try:
        with db:
            texts = dict(db.execute("SELECT holder, text FROM part_texts"))
            rows = db.execute("SELECT seq, payload, text_holder, text_length FROM events").fetchall()
            for seq, stored, holder, length in rows:
                payload = json.loads(stored)
                if holder is not None:
                    payload["part"]["text"] = texts[holder][:length]
                db.execute(
                    "UPDATE events SET payload = ?, text_holder = NULL, text_length = NULL WHERE seq = ?",
                    (json.dumps(payload, separators=(",", ":"), ensure_ascii=False), seq),
                )
            db.execute("DELETE FROM part_texts")
    finally:
        db.close()
    assert stored_text_chars(store)[0] > 10 * len(reply)
    with running(store) as again:
        assert again.stream(chat, 0) == published
