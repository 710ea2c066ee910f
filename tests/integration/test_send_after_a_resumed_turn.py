"""After a restart mid-turn, the turn is followed to its end, and a message queued before the
restart goes as soon as it ends. That send's turn is the session's state from then on: the end of
the follow (its stream still closing) must not set the session back to `ready` over it. It did:
the whole next turn streamed while the session said "ready", and a reader of the state (the
screen, `tui-app ask`, a test) took the reply's empty first moment for its end. The same for a
session restored between turns, whose check failed while a message went; and a reply Stewrd
cannot follow again is ended as cut off rather than left waiting for ever."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CRAWL, connection_to, release
from tests.hostile_server import KEY, STALL, HostileServer, Reply, Script, text_part, turn
from tests.unit.test_send_queue import until
from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.connection import Connection
from tui_app.core.events import TurnCompleted
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.settings.user_settings import Settings
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.restore import restore_sessions
from tui_app.workspace.send_queue import SendQueue
from tui_app.workspace.session_controller import LedgerBook, SessionController
from tui_app.workspace.workspace import Workspace




@pytest.fixture
def crawling() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=CRAWL)) as running:
        yield running


async def test_a_queued_send_after_a_resumed_turn_keeps_its_own_state(crawling: EmbeddedServer, tmp_path: Path) -> None:
    connection = connection_to(crawling)
    with Store(tmp_path / "tui-app.db") as store:
        first_run = Workspace([connection], store, Settings())
        first_run.start()
        session = await first_run.open_session("Resumed")
        queue = SendQueue(first_run)
        queue.submit(session, "first")
        await until(lambda: session.state == "streaming")
        assert queue.submit(session, "second") is True  # waits for the turn
        queue.detach()
        await first_run.aclose()  # the app quits mid-turn

    release(crawling)
    with Store(tmp_path / "tui-app.db") as store:
        again = Workspace([connection], store, Settings())
        seen: list[tuple[str, int, bool]] = []

        def watch(change: SessionChange) -> None:
            restored = change.session
            if isinstance(change.event, TurnCompleted) and len(restored.transcript.turns) == 1:
                # The resumed turn is over: the next one crawls, so its state can be looked at.
                crawling.registry.options.tokens_per_second = CRAWL
            running = restored.transcript.active_turn is not None
            seen.append((restored.state, len(restored.transcript.turns), running))

        again.changes.subscribe(watch)
        assert again.start() is True  # restored, and its turn followed from the stored position
        queue = SendQueue(again)
        try:
            restored = again.sessions[session.id]
            assert restored.state == "streaming"
            await until(lambda: len(restored.transcript.messages) == 4 and restored.transcript.messages[-1].text != "")
            # The second turn streams, and the session says so.
            assert [m.text for m in restored.transcript.messages if m.role == "user"] == ["first", "second"]
            assert restored.transcript.messages[1].completed and restored.transcript.messages[1].text
            assert restored.state == "streaming"
            assert not [s for s in seen if s[0] == "ready" and s[2]], "ready while a turn was running"
            release(crawling)
            await until(lambda: restored.state == "ready")
            assert restored.transcript.messages[-1].completed and "“second”" in restored.transcript.messages[-1].text
        finally:
            queue.detach()
            await again.aclose()


async def test_a_reply_its_service_cannot_resume_is_ended_as_cut_off_after_a_restart(
    crawling: EmbeddedServer, tmp_path: Path
) -> None:
    """Stewrd cannot follow a reply again: the one running when the app closed is ended in the
    transcript and the store, saying the rest of it is lost, rather than left waiting, unfinished
    and unexplained, for ever."""
    local = connection_to(crawling)
    connection = Connection("stewrd", local.base_url, ApiKey(crawling.api_key))
    with Store(tmp_path / "tui-app.db") as store:
        first_run = Workspace([connection], store, Settings())
        first_run.start()
        session = await first_run.open_session("Cut off")
        first_run.start_send(session, "first")
        await until(lambda: session.state == "streaming" and len(session.transcript.messages) == 2)
        await first_run.aclose()  # the app quits mid-reply

    release(crawling)
    for _ in range(2):  # and a later restart finds it so in the store
        with Store(tmp_path / "tui-app.db") as store:
            again = Workspace([connection], store, Settings())
            try:
                assert again.start() is True
                restored = again.sessions[session.id]
                await until(lambda: restored.state == "ready")
                reply = restored.transcript.messages[1]
                turn = restored.transcript.turn(reply.turn_id or "")
                assert reply.role == "assistant" and reply.completed
                assert turn is not None and turn.state == "failed" and turn.error is not None
                assert "cannot resume a reply, so the rest of it is lost" in turn.error
                assert restored.transcript.active_turn is None
            finally:
                await again.aclose()


async def test_a_check_that_fails_after_a_restart_leaves_a_send_made_meanwhile_its_state(tmp_path: Path) -> None:
    """A session restored between turns is checked on its service; a message sent meanwhile
    streams as `streaming` even when the check then fails (it set the session back to ready)."""
    asleep = b'{"error": {"message": "The sandbox is not running", "code": "SANDBOX_NOT_RUNNING"}}'
    silent_after_a_word = (*turn(text_part("partial", 2))[:-1], STALL)
    script = Script(files=Reply(400, asleep), respond=Reply(chunks=lambda: iter(silent_after_a_word)))
    with HostileServer(script) as hostile, Store(tmp_path / "tui-app.db") as store:
        backend = CasedevBackend(hostile.base_url, ApiKey(KEY))
        try:
            await SessionController(backend, title="Checked", store=store).open()
            restored = restore_sessions(store, {backend.name: backend}, LedgerBook(), on_change=None)[0]
            assert restored.state == "ready"
            sending = asyncio.ensure_future(restored.send("hello"))
            await restored.reconnect()  # the check, refused while the send goes
            assert "files" in script.calls
            await until(lambda: [m.text for m in restored.transcript.messages] == ["hello", "partial"])
            assert restored.state == "streaming"
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
        finally:
            await backend.aclose()
