"""The SQLite store, on real database files: sessions survive closing, crashing and upgrading."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from functools import reduce
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import tui_app.persistence.schema as schema_module
from tui_app.core import transcript as reducer
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    Question,
    QuestionAsked,
    QuestionOption,
    QuestionSettled,
    StreamInterrupted,
    StreamResumed,
    TurnCompleted,
    TurnStarted,
    TurnStatusChanged,
    UnknownEvent,
    Usage,
    UsageEntry,
    UsageReported,
    UserMessageSent,
)
from tui_app.core.transcript import AskedQuestion, Transcript
from tui_app.core.cost import summarize
from tui_app.core.usage_ledger import UsageLedger
from tui_app.persistence.schema import MIGRATIONS
from tui_app.persistence.store import (
    MATCH_END,
    MATCH_START,
    NewerSchemaError,
    SessionRecord,
    Store,
    StoredMessage,
    UnknownSessionError,
)

REPO = Path(__file__).resolve().parents[2]


def replay(events: list[DomainEvent]) -> Transcript:
    return reduce(reducer.apply, events, Transcript())


def record(session_id: str = "s1", created_at: float = 100.0, **changes: object) -> SessionRecord:
    rec = SessionRecord(
        id=session_id,
        backend="local",
        remote_id=f"remote-{session_id}",
        title=f"Session {session_id}",
        model="demo-1",
        state="ready",
        money_unit="micros",
        created_at=created_at,
        last_activity=created_at,
    )
    return replace(rec, **changes)  # type: ignore[arg-type]


def streamed_turn(turn: str, words: list[str], cost: int = 1677) -> list[DomainEvent]:
    """A turn as both services stream it: every part update has the full text so far and a delta."""
    message = f"{turn}-m"
    events: list[DomainEvent] = [TurnStarted(turn), MessageCreated(turn, message)]
    text = ""
    for word in words:
        text += word
        events.append(PartUpdated(turn, message, f"{turn}-p", "text", text=text, delta=word))
    usage = Usage("demo-1", 10, len(words), cost, cost, (UsageEntry(f"{turn}-llm", "llm", cost),))
    events += [MessageCompleted(turn, message, "stop"), UsageReported(turn, usage), TurnCompleted(turn, "completed")]
    return events


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tui-app.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        opened.save_session(record())
        yield opened


def rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Look at the file with plain sqlite3, as a person debugging it would."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


# -- sessions


def test_sessions_round_trip_oldest_first(db_path: Path) -> None:
    newer = record("b", created_at=200.0, remote_id=None, model=None, money_unit="credits")
    older = record("a", created_at=100.0, final_cost=1234, runtime_ms=5000, closed=True, state="ended")
    with Store(db_path) as store:
        store.save_session(newer)
        store.save_session(older)
    with Store(db_path) as store:
        assert store.sessions() == [older, newer]
        assert store.session("b") == newer
        assert store.session("missing") is None


def test_saving_a_session_again_updates_it_and_keeps_its_history(store: Store) -> None:
    store.append_events("s1", [UserMessageSent("u1", "hi")], last_event_id=3)
    store.save_draft("s1", "half typed")
    updated = record(title="Renamed", state="expired", closed=True, last_activity=500.0)
    store.save_session(updated)
    assert store.sessions() == [updated]
    assert store.load_events("s1") == [UserMessageSent("u1", "hi")]
    assert store.last_event_id("s1") == 3
    assert store.draft("s1") == "half typed"


def test_data_lives_where_the_platform_keeps_user_data() -> None:
    path = Store.default_path()
    assert path.name == "tui-app.db"
    assert "tui-app" in path.parent.parts


# -- events


CONVERSATION: list[DomainEvent] = [
    UserMessageSent("u1", "What is the capital of France?"),
    TurnStarted("t1"),
    TurnStatusChanged("t1", "running", "thinking"),
    MessageCreated("t1", "t1-m"),
    PartUpdated("t1", "t1-m", "t1-r", "reasoning", text="The user asks about geography."),
    PartUpdated("t1", "t1-m", "t1-p", "text", delta="The capital "),
    PartUpdated("t1", "t1-m", "t1-p", "text", delta="is Paris."),
    StreamInterrupted("t1", 1, 0.5, "connection reset"),
    StreamResumed("t1", 41),
    QuestionAsked(
        "t1",
        "r1",
        (Question("Want more?", "More", (QuestionOption("Yes", "tell me"), QuestionOption("No")), multiple=True),),
    ),
    QuestionSettled("t1", "r1", (("Yes",),)),
    MessageCompleted("t1", "t1-m", "stop"),
    UsageReported("t1", Usage("demo-1", 12, 7, 900, 1200, (UsageEntry("e1", "llm", 900, "demo-1", None, 12, 7),))),
    UnknownEvent("session.snapshot", {"size": [1, 2], "nested": {"ok": True}}),
    TurnCompleted("t1", "completed"),
]


def test_events_appended_in_several_calls_load_back_identical_and_replay_to_the_live_transcript(
    store: Store,
) -> None:
    live = Transcript()
    for start in range(0, len(CONVERSATION), 4):
        batch = CONVERSATION[start : start + 4]
        for event in batch:
            live = reducer.apply(live, event)
        store.append_events("s1", batch)
    assert store.load_events("s1") == CONVERSATION
    assert replay(store.load_events("s1")) == live


def test_a_streamed_reply_replays_exactly_and_is_stored_in_linear_space(store: Store, db_path: Path) -> None:
    words = [f"word{i} " for i in range(400)]
    events = [UserMessageSent("u1", "Talk to me"), *streamed_turn("t1", words)]
    for event in events:  # one call per event: what a controller without batching does
        store.append_events("s1", [event])
    loaded = store.load_events("s1")
    assert replay(loaded) == replay(events)
    assert len(loaded) == len(events)
    # Stored as sent, the 400 full texts would take ~1.1 MB; as the deltas they amount to, ~4 kB.
    reply = "".join(words)
    (stored_bytes,) = rows(db_path, "SELECT sum(length(body)) FROM events")[0]
    assert isinstance(stored_bytes, int) and stored_bytes < 40 * len(reply)
    assert loaded[4] == PartUpdated("t1", "t1-m", "t1-p", "text", text=None, delta="word1 ")


def test_an_update_that_is_not_an_extension_is_kept_whole(store: Store) -> None:
    events: list[DomainEvent] = [
        PartUpdated("t1", "m", "p", "text", text="Hello wrld", delta="wrld"),
        PartUpdated("t1", "m", "p", "text", text="Hello world", delta="o"),  # a correction
        PartUpdated("t1", "m", "p", "tool", text="Hello world"),  # same text, new kind
    ]
    store.append_events("s1", events)
    assert store.load_events("s1") == events


def test_an_event_written_by_a_newer_app_loads_as_unknown(store: Store, db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    with db:
        db.execute(
            "INSERT INTO events (session_id, kind, body) VALUES ('s1', 'Reaction', ?)",
            ('{"kind":"Reaction","fields":{"emoji":"+1"}}',),
        )
    db.close()
    assert store.load_events("s1") == [UnknownEvent("Reaction", {"emoji": "+1"})]


def test_events_for_a_session_never_saved_are_refused_with_a_clear_error(store: Store) -> None:
    with pytest.raises(UnknownSessionError, match="save_session"):
        store.append_events("nope", [UserMessageSent("u1", "hi")])
    assert store.load_events("nope") == []


def test_the_last_event_id_is_kept_with_the_events(store: Store, db_path: Path) -> None:
    assert store.last_event_id("s1") is None
    store.append_events("s1", [TurnStarted("t1")], last_event_id=17)
    store.append_events("s1", [TurnStarted("t2")])  # no id: the last one stays
    assert store.last_event_id("s1") == 17
    store.append_events("s1", [], last_event_id=18)
    store.close()
    with Store(db_path) as reopened:
        assert reopened.last_event_id("s1") == 18
        assert reopened.last_event_id("missing") is None


# -- projections


def test_parts_hold_the_full_text_after_deltas(store: Store) -> None:
    store.append_events("s1", [UserMessageSent("u1", "hi"), PartUpdated("t1", "m", "p", "text", delta="Hel")])
    store.append_events("s1", [PartUpdated("t1", "m", "p", "text", delta="lo")])
    store.append_events("s1", [PartUpdated("t1", "m", "r", "reasoning", delta="hmm")])
    store.append_events("s1", [PartUpdated("t1", "m", "p", "text", delta=" there")])
    assert store.messages("s1") == [StoredMessage("u1", "user", "hi"), StoredMessage("m", "assistant", "Hello there")]
    store.append_events("s1", [PartUpdated("t1", "m", "p", "text", text="Hi!", delta="!")])  # the full text wins
    assert store.messages("s1")[1].text == "Hi!"


def test_usage_is_never_lowered_by_a_later_report(store: Store) -> None:
    def report(cost: int) -> UsageReported:
        return UsageReported("t1", Usage("m", 1, 1, cost, cost, (UsageEntry("e1", "llm", cost),)))

    store.append_events("s1", [report(500)])
    store.append_events("s1", [report(300), report(300)])
    credits = record("s2", money_unit="credits")
    store.save_session(credits)
    store.append_events("s2", [UsageReported("t9", Usage(None, 0, 0, None, 7))])
    assert [(e.id, e.cost, e.unit) for e in store.usage_entries("s1")] == [("s1/e1", 500, "micros")]
    assert [(e.id, e.kind, e.cost, e.unit) for e in store.usage_entries("s2")] == [
        ("s2/t9:total", "total", 7, "credits")
    ]
    assert len(store.usage_entries()) == 2


def test_a_question_is_pending_then_answered_and_an_ended_turn_rejects_the_rest(store: Store) -> None:
    asked = (Question("Which file?", options=(QuestionOption("a.py"), QuestionOption("b.py"))),)
    store.append_events("s1", [QuestionAsked("t1", "r1", asked), QuestionAsked("t1", "r2", asked)])
    assert [q.state for q in store.questions("s1")] == ["pending", "pending"]
    store.append_events("s1", [QuestionSettled("t1", "r1", (("a.py",),))])
    store.append_events("s1", [QuestionSettled("t1", "r1", None)])  # too late: already answered
    store.append_events("s1", [TurnCompleted("t1", "cancelled")])
    assert store.questions("s1") == [
        AskedQuestion("r1", "t1", asked, "answered", (("a.py",),)),
        AskedQuestion("r2", "t1", asked, "rejected", None),
    ]


# Small id sets, so generated events collide the way replays and duplicates do.
_MESSAGES = st.sampled_from(["u1", "m1", "m2"])
_PARTS = st.sampled_from(["p1", "p2", "u1:text"])
_TURNS = st.sampled_from(["t1", "t2"])
_REQUESTS = st.sampled_from(["r1", "r2"])
_TEXT = st.text(max_size=6)


@st.composite
def conversations(draw: st.DrawFn) -> list[DomainEvent]:
    """Events in any order, with streamed full texts that extend (or contradict) what came before."""
    events: list[DomainEvent] = []
    live = Transcript()
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(
            st.sampled_from(["user", "created", "part", "part", "part", "done", "usage", "ask", "settle", "end"])
        )
        turn = draw(_TURNS)
        if kind == "user":
            event: DomainEvent = UserMessageSent(draw(_MESSAGES), draw(_TEXT))
        elif kind == "created":
            event = MessageCreated(turn, draw(_MESSAGES), draw(st.sampled_from(["user", "assistant"])))
        elif kind == "part":
            message_id, part_id = draw(_MESSAGES), draw(_PARTS)
            message = live.message(message_id)
            current = next((p.text for p in (message.parts if message else ()) if p.id == part_id), "")
            delta = draw(_TEXT)
            text = draw(st.sampled_from([current + delta, current, None, draw(_TEXT)]))
            part_kind = draw(st.sampled_from(["text", "reasoning"]))
            event = PartUpdated(turn, message_id, part_id, part_kind, text, draw(st.sampled_from([delta, None])))
        elif kind == "done":
            event = MessageCompleted(turn, draw(_MESSAGES))
        elif kind == "usage":
            entries = draw(
                st.lists(st.builds(UsageEntry, st.sampled_from(["e1", "e2"]), _TEXT, st.integers(0, 99)), max_size=3)
            )
            total = draw(st.none() | st.integers(0, 99))
            event = UsageReported(turn, Usage(None, 0, 0, None, total, tuple(entries)))
        elif kind == "ask":
            event = QuestionAsked(turn, draw(_REQUESTS), (Question(draw(_TEXT)),))
        elif kind == "settle":
            event = QuestionSettled(turn, draw(_REQUESTS), draw(st.none() | st.just((("yes",),))))
        else:
            event = TurnCompleted(turn, draw(st.sampled_from(["completed", "cancelled", "failed"])))
        events.append(event)
        live = reducer.apply(live, event)
    return events


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("property") / "tui-app.db") as opened:
        yield opened


def store_in_batches(store: Store, events: list[DomainEvent], batch_sizes: list[int]) -> str:
    """Save `events` in a new session, appended in batches of the drawn sizes (cycled); its id."""
    session_id = uuid.uuid4().hex
    store.save_session(record(session_id))
    start, index = 0, 0
    while start < len(events):
        size = batch_sizes[index % len(batch_sizes)]
        store.append_events(session_id, events[start : start + size])
        start, index = start + size, index + 1
    return session_id


@settings(max_examples=60, deadline=None)
@given(conversations(), st.lists(st.integers(1, 6), min_size=1))
def test_projections_and_replay_agree_with_the_reducer_and_the_ledger(
    shared_store: Store, events: list[DomainEvent], batch_sizes: list[int]
) -> None:
    session_id = store_in_batches(shared_store, events, batch_sizes)

    live = replay(events)
    assert replay(shared_store.load_events(session_id)) == live
    assert shared_store.messages(session_id) == [StoredMessage(m.id, m.role, m.text) for m in live.messages]
    assert shared_store.questions(session_id) == list(live.questions)
    ledger = UsageLedger()
    for event in events:
        if isinstance(event, UsageReported):
            ledger = ledger.record(session_id, event.turn_id, event.usage, "micros")
    assert shared_store.usage_entries(session_id) == list(ledger.entries.values())


# -- drafts


def test_a_draft_survives_closing_and_reopening(store: Store, db_path: Path) -> None:
    assert store.draft("s1") == ""
    store.save_draft("s1", "Explain the ledger, and")
    store.close()
    with Store(db_path) as reopened:
        assert reopened.draft("s1") == "Explain the ledger, and"
        reopened.save_draft("s1", "")
        assert reopened.draft("s1") == ""
        assert rows(db_path, "SELECT count(*) FROM drafts") == [(0,)]


def test_a_draft_for_a_session_never_saved_is_refused(store: Store) -> None:
    with pytest.raises(UnknownSessionError):
        store.save_draft("nope", "text")
    store.save_draft("nope", "")  # clearing nothing is fine


# -- search


def test_search_finds_words_from_replies_and_from_user_messages(store: Store) -> None:
    store.save_session(record("s2", created_at=200.0))
    store.append_events(
        "s1",
        [UserMessageSent("u1", "Tell me about the Eiffel tower"), *streamed_turn("t1", ["Paris ", "is ", "lovely"])],
    )
    store.append_events("s2", [UserMessageSent("u2", "Where is the café?")])

    (reply,) = store.search("lovely")
    assert (reply.session_id, reply.message_id, reply.role) == ("s1", "t1-m", "assistant")
    assert f"{MATCH_START}lovely{MATCH_END}" in reply.snippet
    (question,) = store.search("eiffel")
    assert (question.session_id, question.message_id, question.role) == ("s1", "u1", "user")
    assert [hit.session_id for hit in store.search("cafe")] == ["s2"]  # accents are not required
    assert [hit.message_id for hit in store.search("eif*")] == ["u1"]  # a trailing * is a prefix
    assert store.search("paris eiffel") == []  # every word, in one message
    assert store.search("   ") == []


def test_search_sees_a_reply_still_streaming(store: Store) -> None:
    store.append_events("s1", [MessageCreated("t1", "m"), PartUpdated("t1", "m", "p", "text", text="half a sentence")])
    assert [hit.message_id for hit in store.search("sentence")] == ["m"]
    store.append_events("s1", [PartUpdated("t1", "m", "p", "text", text="half a sentence, then the rest")])
    assert [hit.message_id for hit in store.search("rest")] == ["m"]
    assert store.search("sentence rest")[0].message_id == "m"


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "a -b", "foo*:", "-", "*", '"', "AND", "NEAR(a b)", "col:word", "x OR", "^start", "(", "💥"],
)
def test_a_query_with_search_syntax_in_it_does_not_raise(store: Store, query: str) -> None:
    store.append_events("s1", [UserMessageSent("u1", 'say "unbalanced and foo: a -b col:word')])
    store.search(query)


def test_search_treats_what_a_person_types_as_words(store: Store) -> None:
    store.append_events("s1", [UserMessageSent("u1", 'a "quoted" thing about foo: and a-b')])
    assert len(store.search('"quoted')) == 1
    assert len(store.search("foo:")) == 1
    assert len(store.search("a-b")) == 1


# -- delete


def test_deleting_a_session_removes_everything_of_it(store: Store, db_path: Path) -> None:
    store.save_session(record("keep", created_at=200.0))
    for session_id in ("s1", "keep"):
        store.append_events(session_id, [UserMessageSent(f"u-{session_id}", "secret plans"), *CONVERSATION[1:]], 9)
        store.save_draft(session_id, "draft")
    store.delete_session("s1")

    assert [s.id for s in store.sessions()] == ["keep"]
    assert store.load_events("s1") == [] and store.messages("s1") == [] and store.draft("s1") == ""
    assert [hit.session_id for hit in store.search("secret")] == ["keep"]
    for table in ("events", "messages", "parts", "usage_entries", "questions", "drafts"):
        assert rows(db_path, f"SELECT count(*) FROM {table} WHERE session_id = 's1'") == [(0,)], table
        assert rows(db_path, f"SELECT count(*) FROM {table} WHERE session_id = 'keep'") != [(0,)], table
    # The search index holds only what belongs to a message still there.
    assert rows(db_path, "SELECT count(*) FROM message_search WHERE rowid NOT IN (SELECT id FROM messages)") == [(0,)]


# -- migrations


def test_an_empty_database_file_at_version_0_opens_and_gets_the_schema(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with Store(db_path) as store:
        store.save_session(record())
    assert rows(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert list(db_path.parent.glob("*.backup-*")) == []  # nothing to lose, nothing to back up


def test_a_current_database_reopens_untouched(db_path: Path) -> None:
    with Store(db_path) as store:
        store.save_session(record())
        store.append_events("s1", CONVERSATION)
    with Store(db_path) as store:
        assert store.load_events("s1") == CONVERSATION
    assert list(db_path.parent.glob("*.backup-*")) == []


@pytest.mark.parametrize("version", range(len(MIGRATIONS)))
def test_a_database_of_every_earlier_schema_is_upgraded(
    db_path: Path, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:version])
    Store(db_path).close()
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS)
    with Store(db_path) as store:
        store.save_session(record())
        store.append_events("s1", CONVERSATION)
        assert store.load_events("s1") == CONVERSATION
    assert rows(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]


def test_an_upgrade_backs_up_the_old_database_first_and_keeps_every_event(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test-only next migration rebuilds the `sessions` table, the riskiest kind of change: with
    foreign keys on, dropping the old table would cascade-delete every event of every session."""
    with Store(db_path) as store:
        store.save_session(record())
        store.append_events("s1", CONVERSATION, last_event_id=5)
        store.save_draft("s1", "unsent")
    ((v1_sessions,),) = rows(db_path, "SELECT sql FROM sqlite_master WHERE name = 'sessions'")
    assert isinstance(v1_sessions, str)
    new_table = v1_sessions.replace("CREATE TABLE sessions", "CREATE TABLE sessions_v2", 1)
    new_table = new_table[: new_table.rindex(")")] + ", pinned INTEGER NOT NULL DEFAULT 0)"
    migration_2 = f"""
        {new_table};
        INSERT INTO sessions_v2 SELECT *, 0 FROM sessions;
        DROP TABLE sessions;
        ALTER TABLE sessions_v2 RENAME TO sessions;
    """
    monkeypatch.setattr(schema_module, "MIGRATIONS", [*MIGRATIONS, migration_2])

    with Store(db_path) as store:
        assert store.sessions() == [record()]
        assert store.load_events("s1") == CONVERSATION
        assert store.last_event_id("s1") == 5 and store.draft("s1") == "unsent"
        assert len(store.search("Paris")) == 1
    assert rows(db_path, "PRAGMA user_version") == [(len(MIGRATIONS) + 1,)]
    assert rows(db_path, "SELECT pinned FROM sessions") == [(0,)]

    backup = db_path.with_name(f"tui-app.db.backup-v{len(MIGRATIONS)}")
    assert rows(backup, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert rows(backup, "SELECT count(*) FROM events") == [(len(CONVERSATION),)]
    assert rows(backup, "SELECT text FROM drafts") == [("unsent",)]
    assert "pinned" not in str(rows(backup, "SELECT sql FROM sqlite_master WHERE name = 'sessions'"))


def test_a_failed_upgrade_changes_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db_path) as store:
        store.save_session(record())
        store.append_events("s1", CONVERSATION)
    broken = "ALTER TABLE sessions ADD COLUMN pinned INTEGER; CREATE TABLE oops (;"
    monkeypatch.setattr(schema_module, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(sqlite3.OperationalError):
        Store(db_path)
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS)
    with Store(db_path) as store:
        assert store.load_events("s1") == CONVERSATION
    assert rows(db_path, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    assert "pinned" not in str(rows(db_path, "SELECT sql FROM sqlite_master WHERE name = 'sessions'"))


def test_a_database_from_a_newer_app_is_refused_untouched(db_path: Path) -> None:
    Store(db_path).close()
    db = sqlite3.connect(db_path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(NewerSchemaError, match="newer tui-app"):
        Store(db_path)
    assert rows(db_path, "PRAGMA user_version") == [(len(MIGRATIONS) + 1,)]


# -- crashes


def test_a_second_store_on_the_same_file_sees_every_committed_event(db_path: Path) -> None:
    first = Store(db_path)  # never closed: the app died holding it
    first.save_session(record())
    first.append_events("s1", CONVERSATION[:5], last_event_id=5)
    first.save_draft("s1", "typing")
    assert first.flush(timeout=30)  # writes are the writer thread's: committed once flushed
    second = Store(db_path)
    assert second.load_events("s1") == CONVERSATION[:5]
    assert (second.last_event_id("s1"), second.draft("s1")) == (5, "typing")
    second.close()
    first.close()


def test_a_killed_app_restarts_into_everything_it_had_written(db_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from tui_app.core.events import UserMessageSent, TurnStarted
        from tui_app.persistence.store import SessionRecord, Store
        store = Store(Path({str(db_path)!r}))
        store.save_session(SessionRecord("s1", "local", None, "T", None, "ready", "micros", 1.0, 1.0))
        store.append_events("s1", [UserMessageSent("u1", "before the crash")])
        store.append_events("s1", [TurnStarted("t1")], last_event_id=7)
        assert store.flush(timeout=30)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -9, done.stderr
    assert db_path.with_name("tui-app.db-wal").stat().st_size > 0  # the commits live only in the WAL
    with Store(db_path) as store:
        assert store.load_events("s1") == [UserMessageSent("u1", "before the crash"), TurnStarted("t1")]
        assert store.last_event_id("s1") == 7


def test_text_that_is_not_valid_utf8_is_kept_exactly(store: Store) -> None:
    # A lone surrogate is legal in a str (and in wire JSON) but not in SQLite's UTF-8 TEXT.
    events: list[DomainEvent] = [
        UserMessageSent("u1", "broken \ud800 emoji"),
        PartUpdated("t1", "m", "p", "text", text="reply \udfff", delta="\udfff"),
        PartUpdated("t1", "m", "p", "text", text="reply \udfff done", delta=" done"),
        MessageCompleted("t1", "m"),
    ]
    store.append_events("s1", events)
    store.save_draft("s1", "draft \ud800")
    live = replay(events)
    assert replay(store.load_events("s1")) == live
    assert store.messages("s1") == [StoredMessage(m.id, m.role, m.text) for m in live.messages]
    assert store.draft("s1") == "draft \ud800"
    assert [hit.message_id for hit in store.search("done")] == ["m"]


def test_each_message_remembers_when_it_was_first_stored(db_path: Path) -> None:
    before = time.time()
    with Store(db_path) as store:
        store.save_session(record())
        store.append_events("s1", CONVERSATION)
        times = store.message_times("s1")
        assert list(times) == [m.message_id for m in store.messages("s1")]
    assert all(t is not None and before <= t <= time.time() for t in times.values())


# -- restoring a session without replaying it


@st.composite
def conversations_with_usage(draw: st.DrawFn) -> list[DomainEvent]:
    """`conversations()`, with usage reports whose figures go up, repeat and come late, as a
    running turn's interim reports do (the figures that decide which report a turn keeps)."""
    events = draw(conversations())
    for _ in range(draw(st.integers(0, 12))):
        usage = Usage(
            draw(st.none() | st.sampled_from(["m1", "m2"])),
            draw(st.integers(0, 9)),
            draw(st.integers(0, 9)),
            draw(st.none() | st.integers(0, 99)),
            draw(st.none() | st.integers(0, 99)),
            tuple(draw(st.lists(st.builds(UsageEntry, st.sampled_from(["e1", "e3"]), _TEXT, st.integers(0, 99)), max_size=2))),
        )
        events.insert(draw(st.integers(0, len(events))), UsageReported(draw(_TURNS), usage))
    return events


@settings(max_examples=80, deadline=None)
@given(conversations_with_usage(), st.lists(st.integers(1, 6), min_size=1))
def test_a_restored_session_equals_a_replay_of_every_event(
    shared_store: Store, events: list[DomainEvent], batch_sizes: list[int]
) -> None:
    session_id = store_in_batches(shared_store, events, batch_sizes)

    restored = shared_store.load_transcript(session_id)
    assert restored.transcript == replay(events)
    ledger = UsageLedger()
    for event in events:
        ledger = ledger.record_event(session_id, event, "micros")
    assert UsageLedger().merged(restored.ledger_entries, restored.llm_costs).entries == ledger.entries
    # What the app builds on restore (`SessionController.restore`) has the same costs as the replay.
    turns = [(turn.id, turn.usage is not None, turn.state != "running") for turn in restored.transcript.turns]
    rebuilt = UsageLedger().merged(restored.ledger_entries, restored.llm_costs).replayed(session_id, turns, "micros")
    assert summarize(rebuilt) == summarize(ledger)


def test_a_turn_keeps_the_usage_report_a_replay_keeps_not_the_last_one(store: Store) -> None:
    """A stale report delivered late must not lower the restored cost (nor must it on replay)."""
    reports = [Usage("m", 5, 8, 100, 120), Usage("m", 5, 16, 200, 240), Usage("m", 5, 8, 100, 120)]
    events: list[DomainEvent] = [TurnStarted("t1"), *(UsageReported("t1", u) for u in reports), TurnCompleted("t1", "completed")]
    store.append_events("s1", events)
    restored = store.load_transcript("s1")
    assert restored.transcript == replay(events)
    assert restored.transcript.turns[0].usage is not None and restored.transcript.turns[0].usage.total_cost_micros == 240
    assert restored.llm_costs == {("s1", "t1"): 200}


def test_restoring_a_session_that_was_never_saved_gives_an_empty_transcript(store: Store) -> None:
    restored = store.load_transcript("nope")
    assert restored.transcript == Transcript() and restored.ledger_entries == [] and restored.llm_costs == {}
