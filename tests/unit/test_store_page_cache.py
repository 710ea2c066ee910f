"""Each of the store's two SQLite connections keeps a page cache of `CACHE_KIB`, not SQLite's 2 MB
default each (issue 16: peak RSS), and the store still reads back what it wrote."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_app.core.events import MessageCreated, PartUpdated, TurnStarted
from tui_app.persistence.connection_settings import CACHE_KIB
from tui_app.persistence.records import SessionRecord
from tui_app.persistence.store import Store


def test_both_connections_keep_a_small_page_cache_and_the_store_still_reads_what_it_wrote(tmp_path: Path) -> None:
    store = Store(tmp_path / "tui-app.db")
    try:
        store.save_session(SessionRecord("s1", "local", "r1", "Cache", None, "ready", "micros", 1.0, 1.0))
        text = ""
        events: list[object] = [TurnStarted("t1"), MessageCreated("t1", "m1", "assistant")]
        for n in range(2_000):  # a long streamed reply: many pages written
            delta = f"word{n} "
            text += delta
            events.append(PartUpdated("t1", "m1", "p1", "text", text, delta))
        store.append_events("s1", events)  # type: ignore[arg-type]
        sizes: list[int] = []
        store._writer.run_on_connection(lambda db: sizes.append(db.execute("PRAGMA cache_size").fetchone()[0]))
        with store._reading() as db:
            sizes.append(db.execute("PRAGMA cache_size").fetchone()[0])
        assert sizes == [-CACHE_KIB, -CACHE_KIB]
        assert CACHE_KIB < 2000  # SQLite's default, per connection
        (message,) = store.load_transcript("s1").transcript.messages
        assert message.text == text
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "tui-app.db") as plain:  # a connection of another program keeps SQLite's own
        assert plain.execute("PRAGMA cache_size").fetchone()[0] == -2000
