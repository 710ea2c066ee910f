"""SQLite persistence for the embedded server's Case.dev chats, so they outlive the process.

DESIGN.md: quitting or killing the app and starting it again finds the local sessions still
alive (or snapshotted), as the real service keeps its own. Held here: one row per chat and per
turn, each chat's replay log (no more than the chat keeps in memory) and the files its turns
wrote, plus how many times the store was opened (so ids differ from one run to the next).

The registry (chats.py) writes in batches; each batch is one short transaction, so the
database never holds a turn state that its log does not lead up to. Times are kept as
wall-clock seconds: the registry's clock is monotonic and starts afresh with every process.
A chat left mid-turn by a stopped or killed process is closed when loaded
(`turn_usage.close_interrupted_turns`) and written back before anyone can read it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from tui_app.persistence.errors import NewerSchemaError
from tui_app.persistence.migrations import migrate
from tui_app.persistence.sqlite_transaction import write_transaction
from tui_app.server.chat_model import Chat, ChatEvent, TurnRecord
from tui_app.server.part_texts import PartTexts
from tui_app.server.turn_usage import close_interrupted_turns

# Schema migrations, in order, run by the one migration runner (persistence/migrations.py): the
# database's `PRAGMA user_version` is how many have run. To change the schema, append one
# script; never edit a shipped one.
MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE chats (
        id                TEXT PRIMARY KEY,
        title             TEXT,
        model             TEXT NOT NULL,
        idle_timeout_ms   INTEGER NOT NULL,
        created_at        TEXT NOT NULL,
        version           INTEGER NOT NULL,
        ended             INTEGER NOT NULL,
        snapshot_image_id TEXT,
        runtime_ms        INTEGER NOT NULL,
        created           REAL NOT NULL,
        last_activity     REAL NOT NULL,
        active_since      REAL,
        saved_at          REAL NOT NULL
    );
    CREATE TABLE turns (
        chat_id    TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        id         TEXT NOT NULL,
        user_text  TEXT NOT NULL,
        model      TEXT NOT NULL,
        reply_text TEXT NOT NULL,
        usage      TEXT,
        status     TEXT NOT NULL,
        message_id TEXT,
        PRIMARY KEY (chat_id, position)
    ) WITHOUT ROWID;
    CREATE TABLE events (
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        name    TEXT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (chat_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE files (
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        path    TEXT NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (chat_id, path)
    ) WITHOUT ROWID;
    CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    """,
    # 2: a streamed part's text stored once: its events keep a holder and a length into it.
    """
    ALTER TABLE events ADD COLUMN text_holder INTEGER;
    ALTER TABLE events ADD COLUMN text_length INTEGER;
    CREATE TABLE part_texts (
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        holder  INTEGER NOT NULL,
        text    TEXT NOT NULL,
        PRIMARY KEY (chat_id, holder)
    ) WITHOUT ROWID;
    """,
]

_CHAT_COLUMNS = (
    "id, title, model, idle_timeout_ms, created_at, version, ended, snapshot_image_id, runtime_ms,"
    " created, last_activity, active_since, saved_at"
)
_TURN_COLUMNS = "chat_id, position, id, user_text, model, reply_text, usage, status, message_id"


class ChatStoreError(Exception):
    """The chat store cannot be used; the server can still run with its chats in memory."""


class ChatStoreBusy(ChatStoreError):
    """Another local server (another tui-app, most likely) has this store open."""


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class ChatStore:
    """One SQLite file, for one server at a time: the file stays locked while it is open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (`BEGIN IMMEDIATE`), never implied by sqlite3.
        # Opened on the caller's thread and used on the server's: calls are serialized by the lock.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1.0)
        self._lock = threading.RLock()
        # The bytes objects last written per chat and path: a file is rewritten only when replaced.
        self._saved_files: dict[str, dict[str, bytes]] = {}
        self.opened_before = 0
        """How many times this store was opened before now (0 for a new file)."""
        try:
            # Exclusive: two servers on one store would interleave two different continuations of
            # the same logs. A killed holder's lock goes with its process. Must precede WAL mode.
            self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL survives any crash or kill of the process; only a power cut may
            # lose the last commits, and never corrupts. FULL would fsync on every batch.
            self._db.execute("PRAGMA synchronous = NORMAL")
            # No backup before an upgrade: the exclusive lock keeps out the second connection
            # a copy needs.
            migrate(self._db, self._lock, path, MIGRATIONS, back_up=False)
            self._db.execute("PRAGMA foreign_keys = ON")
            self.opened_before = self._count_open()
        except NewerSchemaError as error:
            self._db.close()
            raise ChatStoreError(str(error)) from error
        except sqlite3.Error as error:
            self._db.close()
            if "locked" in str(error):
                raise ChatStoreBusy(f"{path} is in use by another tui-app local server") from error
            raise ChatStoreError(f"cannot open {path}: {error}") from error
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- transactions and migrations

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def _count_open(self) -> int:
        with self._write() as db:
            row = db.execute("SELECT value FROM counters WHERE name = 'opens'").fetchone()
            before = 0 if row is None else int(row[0])
            db.execute("INSERT OR REPLACE INTO counters (name, value) VALUES ('opens', ?)", (before + 1,))
        return before

    def id_seed(self, seed: int) -> int | str:
        """The seed for the registry's id generator: `seed` itself on a new store, so a seeded run
        repeats exactly, and mixed with the open count after that, so ids never repeat an earlier
        run's. (Random seeds a string through SHA-512: stable across processes.)"""
        return seed if self.opened_before == 0 else f"{seed}/{self.opened_before}"

    # -- reading

    def load(self, wall_offset: float, used_since: float | None = None) -> list[Chat]:
        """Stored chats, with times on the registry's clock (`wall_offset` = wall-clock time
        minus that clock) and no turn left running: see `turn_usage.close_interrupted_turns`.
        With `used_since` (wall-clock), only the chats not ended and used since then: the others
        stay here until asked for (`load_chat`)."""
        if used_since is None:
            return self._load_or_fail(wall_offset, "1", ())
        return self._load_or_fail(wall_offset, "ended = 0 AND last_activity >= ?", (used_since,))

    def load_chat(self, chat_id: str, wall_offset: float) -> Chat | None:
        """One stored chat by id, as `load` reads it; None when there is none."""
        found = self._load_or_fail(wall_offset, "id = ?", (chat_id,))
        return found[0] if found else None

    def _load_or_fail(self, wall_offset: float, where: str, params: tuple[Any, ...]) -> list[Chat]:
        try:
            return self._load(wall_offset, where, params)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as error:  # unreadable rows, bad JSON
            raise ChatStoreError(f"cannot read the chats in {self.path}: {error!r}") from error

    def _load(self, wall_offset: float, where: str, params: tuple[Any, ...]) -> list[Chat]:
        # `where` is one of load's fixed conditions on `chats`; values only ever come as parameters.
        of_chats = f"chat_id IN (SELECT id FROM chats WHERE {where})"
        with self._lock:
            db = self._db
            chat_rows = db.execute(f"SELECT {_CHAT_COLUMNS} FROM chats WHERE {where} ORDER BY created, id", params).fetchall()
            turn_rows = db.execute(
                f"SELECT {_TURN_COLUMNS} FROM turns WHERE {of_chats} ORDER BY chat_id, position", params
            ).fetchall()
            event_rows = db.execute(
                f"SELECT chat_id, seq, name, payload, text_holder, text_length FROM events WHERE {of_chats}"
                " ORDER BY chat_id, seq",
                params,
            ).fetchall()
            held_texts = {
                (chat_id, holder): text
                for chat_id, holder, text in db.execute(
                    f"SELECT chat_id, holder, text FROM part_texts WHERE {of_chats}", params
                )
            }
            file_rows = db.execute(f"SELECT chat_id, path, content FROM files WHERE {of_chats}", params).fetchall()
        turns: dict[str, list[TurnRecord]] = {}
        for chat_id, _, turn_id, user_text, model, reply_text, usage, status, message_id in turn_rows:
            turns.setdefault(chat_id, []).append(
                TurnRecord(
                    id=turn_id,
                    user_text=user_text,
                    model=model,
                    reply_text=reply_text,
                    usage=None if usage is None else json.loads(usage),
                    status=status,
                    message_id=message_id,
                )
            )
        events: dict[str, list[ChatEvent]] = {}
        # Each chat's part texts shared across its events as its log shares them (part_texts.py).
        texts: dict[str, PartTexts] = {}
        for chat_id, seq, name, payload, holder, length in event_rows:
            published = json.loads(payload)
            if holder is not None:
                published["part"]["text"] = held_texts[(chat_id, holder)][:length]
            event = texts.setdefault(chat_id, PartTexts()).event(seq, name, published)
            events.setdefault(chat_id, []).append(event)
        files: dict[str, dict[str, bytes]] = {}
        for chat_id, path, content in file_rows:
            files.setdefault(chat_id, {})[path] = bytes(content)
        self._saved_files.update({chat_id: dict(held) for chat_id, held in files.items()})

        def local(wall: float) -> float:
            return wall - wall_offset

        chats: list[Chat] = []
        for row in chat_rows:
            (chat_id, title, model, idle_ms, created_at, version, ended, snapshot, runtime_ms,
             created, last_activity, active_since, saved_at) = row  # fmt: skip
            log = events.get(chat_id, [])
            chat = Chat(
                id=chat_id,
                title=title,
                model=model,
                idle_timeout_ms=idle_ms,
                created_at=created_at,
                created=local(created),
                last_activity=local(last_activity),
                version=version,
                ended=bool(ended),
                snapshot_image_id=snapshot,
                runtime_ms=runtime_ms,
                active_since=None if active_since is None else local(active_since),
                turns=turns.get(chat_id, []),
                events=log,
                first_seq=log[0].seq if log else 1,
                next_seq=log[-1].seq + 1 if log else 1,
                files=files.get(chat_id, {}),
            )
            logged_until = chat.next_seq
            closed = close_interrupted_turns(chat)
            if closed:
                # The sandbox was busy until the process went away: idle time starts at its last write.
                chat.last_activity = max(chat.last_activity, local(saved_at))
                added = [(chat.id, event) for event in chat.events_after(logged_until - 1)]
                self.write([chat], [(chat, position, turn) for position, turn in closed], added, wall_offset)
            chats.append(chat)
        return chats

    def forget(self, chat_id: str) -> None:
        """The chat has left the registry's memory: drop what is kept here to compare its files."""
        with self._lock:
            self._saved_files.pop(chat_id, None)

    # -- writing

    def write(
        self,
        chats: Iterable[Chat],
        turns: Iterable[tuple[Chat, int, TurnRecord]],
        events: Iterable[tuple[str, ChatEvent]],
        wall_offset: float,
    ) -> None:
        """One transaction: each chat's row, new files and log trim; the turns given (with their
        position in the chat) and the events."""
        saved_at = time.time()
        chats = list(chats)
        written: list[tuple[str, str, bytes]] = []
        with self._write() as db:
            # Rows first: turns, events and files refer to their chat.
            for chat in chats:
                written += self._write_chat(db, chat, wall_offset, saved_at)
            db.executemany(
                f"INSERT OR REPLACE INTO turns ({_TURN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        chat.id,
                        position,
                        turn.id,
                        turn.user_text,
                        turn.model,
                        turn.reply_text,
                        None if turn.usage is None else _json(turn.usage),
                        turn.status,
                        turn.message_id,
                    )
                    for chat, position, turn in turns
                ],
            )
            self._write_events(db, events)
            # Last, so that it covers the events just written: the chat's own log dropped these
            # (REPLAY_BUFFER in chat_model.py), and so does its copy, with the texts only they used.
            trimmed = [(chat.id, chat.first_seq) for chat in chats if chat.first_seq > 1]
            db.executemany("DELETE FROM events WHERE chat_id = ? AND seq < ?", trimmed)
            db.executemany(
                "DELETE FROM part_texts WHERE chat_id = ?1 AND holder < ?2 AND holder NOT IN"
                " (SELECT text_holder FROM events WHERE chat_id = ?1 AND text_holder < ?2)",
                trimmed,
            )
        # Only once committed: a rolled-back file is written again with the next batch.
        for chat_id, path, content in written:
            self._saved_files.setdefault(chat_id, {})[path] = content

    @staticmethod
    def _write_events(db: sqlite3.Connection, events: Iterable[tuple[str, ChatEvent]]) -> None:
        """The events, each part text once: a holder's latest text is written with the events that
        use it, so every stored length falls within its stored text."""
        rows: list[tuple[str, int, str, str, int | None, int | None]] = []
        holders: dict[tuple[str, int], str] = {}
        for chat_id, event in events:
            payload, shared, length = event.without_text()
            if shared is None:
                rows.append((chat_id, event.seq, event.name, _json(payload), None, None))
            else:
                holders[(chat_id, shared.key)] = shared.text
                rows.append((chat_id, event.seq, event.name, _json(payload), shared.key, length))
        db.executemany(
            "INSERT OR REPLACE INTO events (chat_id, seq, name, payload, text_holder, text_length)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT OR REPLACE INTO part_texts (chat_id, holder, text) VALUES (?, ?, ?)",
            [(chat_id, holder, text) for (chat_id, holder), text in holders.items()],
        )

    def _write_chat(
        self, db: sqlite3.Connection, chat: Chat, wall_offset: float, saved_at: float
    ) -> list[tuple[str, str, bytes]]:
        """Write the chat's row and its new files; return those files."""
        # An upsert, not INSERT OR REPLACE: a replaced row would cascade-delete the chat's turns,
        # events and files.
        db.execute(
            f"INSERT INTO chats ({_CHAT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET title = excluded.title, model = excluded.model,"
            " idle_timeout_ms = excluded.idle_timeout_ms, created_at = excluded.created_at,"
            " version = excluded.version, ended = excluded.ended, snapshot_image_id = excluded.snapshot_image_id,"
            " runtime_ms = excluded.runtime_ms, created = excluded.created, last_activity = excluded.last_activity,"
            " active_since = excluded.active_since, saved_at = excluded.saved_at",
            (
                chat.id,
                chat.title,
                chat.model,
                chat.idle_timeout_ms,
                chat.created_at,
                chat.version,
                int(chat.ended),
                chat.snapshot_image_id,
                chat.runtime_ms,
                chat.created + wall_offset,
                chat.last_activity + wall_offset,
                None if chat.active_since is None else chat.active_since + wall_offset,
                saved_at,
            ),
        )
        saved = self._saved_files.get(chat.id, {})
        fresh = [(chat.id, path, content) for path, content in chat.files.items() if saved.get(path) is not content]
        db.executemany("INSERT OR REPLACE INTO files (chat_id, path, content) VALUES (?, ?, ?)", fresh)
        return fresh
