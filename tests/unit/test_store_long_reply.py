"""The store writes a long reply in work linear in its length, however far behind its writer is.

Each write of a streamed part rewrites the part's row whole, so one write per frame of a long
reply would write O(n²) characters. Appends that wait for the writer go as one write. Counted,
not timed: a trigger adds up the characters written to the `parts` table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sqlite_locks import write_lock_held
from tui_app.core.events import DomainEvent, MessageCompleted, MessageCreated, PartUpdated, TurnStarted
from tui_app.persistence.store import SessionRecord, Store

PATIENCE = 60.0  # only so that a broken store fails instead of hanging; nothing is timed
FRAMES = 400
DELTA = "token " * 40


def count_part_writes(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.executescript(
            """
            CREATE TABLE part_writes (chars INTEGER NOT NULL);
            INSERT INTO part_writes VALUES (0);
            CREATE TRIGGER count_part_inserts AFTER INSERT ON parts
                BEGIN UPDATE part_writes SET chars = chars + length(NEW.text); END;
            CREATE TRIGGER count_part_updates AFTER UPDATE ON parts
                BEGIN UPDATE part_writes SET chars = chars + length(NEW.text); END;
            """
        )


def chars_written(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT chars FROM part_writes").fetchone()[0])


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "tui-app.db"
    with Store(path) as store:
        store.save_session(SessionRecord("s1", "local", "chat_1", "long", None, "streaming", "micros", 1.0, 1.0))
        assert store.flush(PATIENCE)
    count_part_writes(path)
    yield path


def frames() -> Iterator[list[DomainEvent]]:
    """One reply, flushed as the app flushes it: the events of each frame in one append."""
    yield [TurnStarted("t1"), MessageCreated("t1", "m1")]
    for _ in range(FRAMES):
        yield [PartUpdated("t1", "m1", "p1", "text", None, DELTA)]
    yield [MessageCompleted("t1", "m1", "stop")]


def test_a_reply_appended_frame_by_frame_while_the_writer_is_behind_is_written_once(database: Path) -> None:
    size = FRAMES * len(DELTA)
    with Store(database) as store:
        # Another program holds the lock: the writer cannot keep up, as when a reply outpaces it.
        with write_lock_held(database):
            for events in frames():
                store.append_events("s1", events, last_event_id=None)
        assert store.flush(PATIENCE)
        [message] = store.messages("s1")
        assert message.text == DELTA * FRAMES
    # Written as one append: the reply once, not a row rewritten per frame (~200x the reply).
    assert chars_written(database) <= 2 * size


def test_appends_of_a_session_keep_their_order_around_its_other_writes(database: Path) -> None:
    with Store(database) as store:
        with write_lock_held(database):
            store.append_events("s1", [TurnStarted("t1"), MessageCreated("t1", "m1")])
            store.append_events("s1", [PartUpdated("t1", "m1", "p1", "text", None, "one ")], last_event_id=7)
            store.save_draft("s1", "typed between")
            store.append_events("s1", [PartUpdated("t1", "m1", "p1", "text", None, "two")], last_event_id=8)
            assert store.last_event_id("s1") == 8
        assert store.flush(PATIENCE)
        [message] = store.messages("s1")
        assert message.text == "one two"
        assert store.draft("s1") == "typed between"
        assert store.last_event_id("s1") == 8
        assert [type(e).__name__ for e in store.load_events("s1")] == [
            "TurnStarted", "MessageCreated", "PartUpdated", "PartUpdated",
        ]
