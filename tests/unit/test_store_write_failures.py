"""Writes that fail never block the caller and never lose anything: a database locked by another
program, a full disk. The store keeps the changes in memory, says why, and writes them later."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import reduce
from pathlib import Path

import pytest

from tui_app.core import transcript as reducer
from tui_app.core.events import DomainEvent, MessageCompleted, MessageCreated, PartUpdated, TurnStarted, UserMessageSent
from tui_app.core.transcript import Transcript
from tests.sqlite_locks import write_lock_held
from tui_app.persistence.store import SessionRecord, Store, StoreHealth

# A bound for waiting on the writer thread, only so that a broken store fails the test instead of
# hanging it; nothing is asserted about how long anything takes.
PATIENCE = 60.0


class HealthReports:
    """What a store's health listener was told, in order."""

    def __init__(self, store: Store) -> None:
        self.seen: list[StoreHealth] = []
        self._changed = threading.Condition()
        self.unsubscribe = store.add_health_listener(self._heard)

    def _heard(self, health: StoreHealth) -> None:
        with self._changed:
            self.seen.append(health)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[StoreHealth], bool]) -> StoreHealth:
        with self._changed:
            assert self._changed.wait_for(lambda: any(condition(h) for h in self.seen), PATIENCE), self.seen
            return next(h for h in self.seen if condition(h))


def record(session_id: str = "s1") -> SessionRecord:
    return SessionRecord(session_id, "local", None, f"Session {session_id}", None, "ready", "micros", 1.0, 1.0)


def a_turn(turn: str, words: int) -> list[DomainEvent]:
    events: list[DomainEvent] = [UserMessageSent(f"{turn}-u", f"question {turn}"), TurnStarted(turn)]
    events.append(MessageCreated(turn, f"{turn}-m"))
    text = ""
    for number in range(words):
        word = f"word{number} "
        text += word
        events.append(PartUpdated(turn, f"{turn}-m", "p", "text", text=text, delta=word))
    events.append(MessageCompleted(turn, f"{turn}-m"))
    return events


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "tui-app.db") as opened:
        opened.save_session(record())
        assert opened.flush(PATIENCE)
        yield opened


def test_a_database_locked_mid_session_keeps_every_write_in_memory_and_writes_it_once_released(
    store: Store, tmp_path: Path
) -> None:
    reports = HealthReports(store)
    first = a_turn("t1", 5)
    store.append_events("s1", first, last_event_id=1)
    assert store.flush(PATIENCE)
    with write_lock_held(tmp_path / "tui-app.db"):  # another program holds the write lock, and keeps it
        # Each call returns while the lock is held (this thread holds it: a call that waited for
        # it would never return), and what it was given is kept.
        second = a_turn("t2", 30)
        store.append_events("s1", second[:10])
        store.append_events("s1", second[10:], last_event_id=2)
        store.save_draft("s1", "half typed while locked")
        locked = reports.wait_for(lambda health: not health.ok)
        assert locked.problem == "database locked by another program"
        assert store.unsaved() >= 2  # the two appends may wait as one write (append_batches.py)
        assert store.health().unsaved == store.unsaved()
        # Reads do not hang on the lock either: what was saved, plus the pending draft and id.
        assert store.draft("s1") == "half typed while locked"
        assert store.last_event_id("s1") == 2
        assert reducer.apply_all(Transcript(), store.load_events("s1")) == reducer.apply_all(Transcript(), first)
    assert store.flush(PATIENCE)
    assert store.unsaved() == 0
    assert reports.wait_for(lambda health: health.ok and health.problem is None) == StoreHealth(True, None, 0)
    with Store(tmp_path / "tui-app.db") as reopened:
        everything = first + second
        assert reducer.apply_all(Transcript(), reopened.load_events("s1")) == reduce(reducer.apply, everything, Transcript())
        assert reopened.draft("s1") == "half typed while locked"
        assert reopened.last_event_id("s1") == 2


def test_a_full_disk_is_reported_and_everything_is_written_once_there_is_room(store: Store, tmp_path: Path) -> None:
    reports = HealthReports(store)
    pages = sqlite3.connect(tmp_path / "tui-app.db").execute("PRAGMA page_count").fetchone()[0]
    store._writer_pragma(f"max_page_count = {pages}")  # the disk is full: the file cannot grow by one page
    turns = [a_turn(f"t{number}", 200) for number in range(3)]
    for events in turns:
        store.append_events("s1", events)
    store.save_draft("s1", "typed on a full disk")
    full = reports.wait_for(lambda health: not health.ok)
    assert full.problem == "disk full"
    assert full.unsaved >= 1
    assert store.draft("s1") == "typed on a full disk"
    assert not store.flush(0)  # nothing is dropped: it waits

    store._writer_pragma("max_page_count = 1000000")  # space was freed
    assert store.flush(PATIENCE)
    assert reports.wait_for(lambda health: health.ok) == StoreHealth(True, None, 0)
    everything = [event for events in turns for event in events]
    assert reducer.apply_all(Transcript(), store.load_events("s1")) == reduce(reducer.apply, everything, Transcript())
    assert [m.message_id for m in store.messages("s1")] == [m.id for m in reduce(reducer.apply, everything, Transcript()).messages]
    assert store.draft("s1") == "typed on a full disk"


def test_a_read_only_database_is_reported_and_written_once_writable_again(store: Store) -> None:
    reports = HealthReports(store)
    store._writer_pragma("query_only = 1")  # SQLite refuses every write as to a read-only file
    store.append_events("s1", a_turn("t1", 4), last_event_id=4)
    store.save_draft("s1", "kept meanwhile")
    refused = reports.wait_for(lambda health: not health.ok)
    assert refused.problem == "read-only: the database file or its folder cannot be written"
    assert store.last_event_id("s1") == 4 and store.draft("s1") == "kept meanwhile"
    store._writer_pragma("query_only = 0")
    assert store.flush(PATIENCE)
    assert reducer.apply_all(Transcript(), store.load_events("s1")) == reduce(reducer.apply, a_turn("t1", 4), Transcript())
    assert reports.wait_for(lambda health: health.ok) == StoreHealth(True, None, 0)


def test_a_listener_that_unsubscribed_hears_nothing_more(store: Store, tmp_path: Path) -> None:
    kept, gone = HealthReports(store), HealthReports(store)
    gone.unsubscribe()
    with write_lock_held(tmp_path / "tui-app.db"):
        store.save_draft("s1", "x")
        kept.wait_for(lambda health: not health.ok)
    assert store.flush(PATIENCE)
    assert gone.seen == []


def test_a_session_deleted_by_another_store_is_not_resurrected_by_later_writes(store: Store, tmp_path: Path) -> None:
    reports = HealthReports(store)
    store.append_events("s1", a_turn("t1", 3))
    assert store.flush(PATIENCE)
    with Store(tmp_path / "tui-app.db") as other:  # `tui-app sessions rm s1`, in another process
        other.delete_session("s1")
    store.append_events("s1", a_turn("t2", 3), last_event_id=9)
    store.save_session(record())
    store.save_draft("s1", "still typing")
    assert store.flush(PATIENCE)
    assert reports.wait_for(lambda health: bool(health.deleted_elsewhere)) == StoreHealth(True, None, 0, frozenset({"s1"}))
    assert store.health().deleted_elsewhere == frozenset({"s1"})
    # Dropped from now on, at once, without a word more.
    store.append_events("s1", a_turn("t3", 1))
    assert store.unsaved() == 0
    with Store(tmp_path / "tui-app.db") as reopened:
        assert reopened.sessions() == []
        assert reopened.load_events("s1") == []
        assert reopened.draft("s1") == ""


def test_a_new_session_saved_for_the_first_time_is_written_not_taken_for_a_deleted_one(store: Store) -> None:
    store.save_session(record("s2"))
    store.append_events("s2", a_turn("t1", 2))
    assert [r.id for r in store.sessions()] == ["s1", "s2"]
    assert store.health() == StoreHealth(True, None, 0)


def test_a_listener_may_read_the_store_without_waiting_for_itself(store: Store, tmp_path: Path) -> None:
    drafts_seen: list[str] = []
    reports = HealthReports(store)
    store.add_health_listener(lambda health: drafts_seen.append(store.draft("s1")))
    with write_lock_held(tmp_path / "tui-app.db"):
        store.save_draft("s1", "read from the listener")
        reports.wait_for(lambda health: not health.ok)
    assert store.flush(PATIENCE)
    reports.wait_for(lambda health: health.ok)
    assert drafts_seen and drafts_seen[0] == "read from the listener"
