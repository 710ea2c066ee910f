"""The session store's schema, as numbered migrations (migrations.py runs them)."""

from __future__ import annotations

# Schema migrations, in order: the database's `PRAGMA user_version` is how many have run. To
# change the schema, append one script; never edit a shipped one. Scripts run with foreign keys
# off (so rebuilding a parent table cannot cascade-delete its children) and are checked with
# `PRAGMA foreign_key_check` before the upgrade commits.
MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE sessions (
        id            TEXT PRIMARY KEY,
        backend       TEXT NOT NULL,
        remote_id     TEXT,
        title         TEXT NOT NULL,
        model         TEXT,
        state         TEXT NOT NULL,
        money_unit    TEXT NOT NULL CHECK (money_unit IN ('micros', 'credits')),
        created_at    REAL NOT NULL,
        last_activity REAL NOT NULL,
        final_cost    INTEGER,
        runtime_ms    INTEGER,
        closed        INTEGER NOT NULL DEFAULT 0,
        last_event_id INTEGER
    );

    CREATE TABLE events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        kind       TEXT NOT NULL,
        body       TEXT NOT NULL
    );
    CREATE INDEX events_by_session ON events (session_id, seq);
    CREATE TRIGGER events_are_append_only BEFORE UPDATE ON events
    BEGIN
        SELECT RAISE(ABORT, 'events are append-only');
    END;

    CREATE TABLE messages (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        role       TEXT NOT NULL,
        turn_id    TEXT,
        completed  INTEGER NOT NULL DEFAULT 0,
        search_stale INTEGER NOT NULL DEFAULT 0,
        UNIQUE (session_id, message_id)
    );
    CREATE INDEX messages_to_index ON messages (id) WHERE search_stale = 1;

    CREATE TABLE parts (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        part_id    TEXT NOT NULL,
        kind       TEXT NOT NULL,
        text       TEXT NOT NULL,  -- a BLOB when the text is not valid UTF-8 (see _to_sql_text)
        UNIQUE (session_id, message_id, part_id),
        FOREIGN KEY (session_id, message_id) REFERENCES messages (session_id, message_id) ON DELETE CASCADE
    );

    CREATE TABLE usage_entries (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        entry_id   TEXT NOT NULL,
        turn_id    TEXT NOT NULL,
        kind       TEXT NOT NULL,
        cost       INTEGER NOT NULL,
        unit       TEXT NOT NULL CHECK (unit IN ('micros', 'credits')),
        source     TEXT NOT NULL DEFAULT 'reported' CHECK (source IN ('reported', 'estimated')),
        UNIQUE (session_id, entry_id)
    );

    CREATE TABLE questions (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        request_id TEXT NOT NULL,
        turn_id    TEXT NOT NULL,
        questions  TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('pending', 'answered', 'rejected')),
        answers    TEXT,
        UNIQUE (session_id, request_id)
    );

    CREATE TABLE drafts (
        session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        text       TEXT NOT NULL
    );

    -- One row per message (rowid = messages.id): the message's visible text, i.e. its text parts.
    CREATE VIRTUAL TABLE message_search USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
    """,
    # 2: when each message was first stored (Unix time), for exports and search results.
    # Messages stored before this migration have none.
    """
    ALTER TABLE messages ADD COLUMN created_at REAL;
    """,
    # 3: a turn made files the user has not looked at yet (F12): the sidebar's `+files`, kept
    # across a restart until the files view is opened.
    """
    ALTER TABLE sessions ADD COLUMN new_files INTEGER NOT NULL DEFAULT 0;
    """,
    # 4: which turn wrote each of the agent's files (F12's Turn column), as a JSON object.
    """
    ALTER TABLE sessions ADD COLUMN file_turns TEXT NOT NULL DEFAULT '{}';
    """,
]
