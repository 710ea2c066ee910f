"""A long reply through the real pipeline, over loopback HTTP: adapter, controller, store.

Work is counted, not timed (`benchmarks/long_reply_bench.py` prints the times): while the reply
streams, the controller's transcript appends each delta to the part and never joins the whole
text; the store ends with the exact reply.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tests.hostile_client import FAST
from tests.hostile_server import KEY, HostileServer, Reply, Script, sse
from tui_app.backends.api_key import ApiKey
from tui_app.backends.casedev import CasedevBackend
from tui_app.core.events import DomainEvent, PartUpdated
from tui_app.core.transcript import Part
from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import SessionController

FRAMES = 3_000
DELTA = "a streamed sentence of the reply, " * 3


def long_reply() -> Iterator[bytes]:
    yield sse("turn.started", {"turnId": "t1"}, 1)
    yield sse("message.created", {"turnId": "t1", "messageId": "m1", "role": "assistant"}, 2)
    for n in range(FRAMES):
        payload = {"turnId": "t1", "messageId": "m1", "partId": "p1", "part": {"id": "p1", "type": "text"}, "delta": DELTA}
        yield sse("message.part.updated", payload, n + 3)
    yield sse("message.completed", {"turnId": "t1", "messageId": "m1", "finish": "stop"}, FRAMES + 3)
    yield sse("turn.completed", {"turnId": "t1", "status": "completed"}, FRAMES + 4)


async def test_a_long_reply_is_appended_delta_by_delta_and_stored_whole(tmp_path: Path) -> None:
    seen: list[Part] = []
    with HostileServer(Script(respond=Reply(chunks=long_reply))) as server, Store(tmp_path / "tui-app.db") as store:
        backend = CasedevBackend(server.base_url, ApiKey(KEY), retry=FAST)

        def keep(changed: SessionController, event: DomainEvent | None) -> None:
            # Every version the controller made of the part, as a view holding on to them would.
            if isinstance(event, PartUpdated):
                seen.append(changed.transcript.messages[-1].parts[0])

        session = SessionController(backend, "long", on_change=keep, store=store)
        try:
            await session.open()
            await session.send("a long one")
        finally:
            await backend.aclose()
        store.flush(60.0)
        part = session.transcript.messages[-1].parts[0]
        assert part.size == FRAMES * len(DELTA)
        assert part.body.chars_copied == 0  # 3,000 versions of the part, none re-joined
        assert part.text == DELTA * FRAMES
        assert len(seen) == FRAMES and seen[FRAMES // 2].text == DELTA * (FRAMES // 2 + 1)  # an older version kept its own text
        assert [m.text for m in store.messages(session.id)] == ["a long one", DELTA * FRAMES]
