"""Completeness you can see, in the app: a turn whose stream is cut and resumed says in its reply
that nothing is missing; after a restart, a feed that could not replay what was missed (the
server's replay window set small) says which events are missing, and the audit log marks the
turn whose usage report never came. The embedded server over real HTTP throughout."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from textual.widgets import DataTable, Static

from tests.conftest import connection_to, wait_until
from tui_app.core import completeness
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.audit_log import NO_REPORT, AuditLogScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.notice_view import NoticeView
from tui_app.workspace.session_controller import SessionController


def marks(session: SessionController) -> list[str]:
    return [text for texts in completeness.marks(session.transcript.messages).values() for text in texts]


def shown(app: TuiApp, text: str) -> bool:
    """Whether the transcript on screen shows `text` as a note of the client's (not as reply text)."""
    return any(view.part_text == text for view in app.query(NoticeView))


async def send(app: TuiApp, text: str) -> None:
    composer = app.query_one(Composer)
    composer.insert(text)
    composer.action_send()


async def test_a_turn_cut_and_resumed_says_in_its_reply_that_nothing_is_missing() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, drop_stream_after=5, drop_stream_count=1)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            assert session is not None
            await send(app, "please use a tool")
            await wait_until(pilot, lambda: bool(session.transcript.turns) and session.transcript.turns[-1].state == "completed")
            last = server.registry.chats[session.remote.id].next_seq - 1  # type: ignore[union-attr]
            expected = f"Replayed {last - 5} events from #6 after a reconnect, nothing missing."
            assert marks(session) == [expected]
            await wait_until(pilot, lambda: shown(app, expected))


async def test_after_a_restart_a_feed_that_lost_events_names_them_and_the_audit_log_marks_the_turn(
    tmp_path: Path,
) -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        store = Store(tmp_path / "tui-app.db")
        app = TuiApp(connection_to(server), store=store)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            assert session is not None and session.remote is not None
            chat = session.remote.id
            await send(app, "ask me about buffers")
            # The agent waits for an answer; the app is quit meanwhile.
            await wait_until(pilot, lambda: bool(session.transcript.pending_questions))
            request_id = session.transcript.pending_questions[0].id
            seen = session.backend.last_event_id(chat)
        store.close()
        assert seen is not None

        # Elsewhere the question is answered and the turn runs to its end, while the service
        # keeps only its very last event (the turn's end) for a client that comes back.
        server.registry.options.replay_window = 1
        await asyncio.to_thread(
            httpx.post,
            f"{server.base_url}/agent/v1/chat/{chat}/question/{request_id}/reply",
            json={"answers": [["Short"]]},
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
        while server.registry.chats[chat].active_turn is not None:
            await asyncio.sleep(0.01)
        last = server.registry.chats[chat].next_seq - 1

        store = Store(tmp_path / "tui-app.db")
        again = TuiApp(connection_to(server), store=store)
        async with again.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: again.current is not None and again.current.state == "ready")
            restored = again.current
            assert restored is not None and restored.transcript.turns[-1].state == "completed"
            expected = (
                f"Events #{seen + 1}–#{last - 1} were not replayed by the service after a restart: "
                "this part may be incomplete."
            )
            assert marks(restored) == [expected]
            await wait_until(pilot, lambda: shown(again, expected))

            # The usage report was among the lost events: the audit log says it never came.
            screen = AuditLogScreen(restored, again.workspace.changes)
            await again.push_screen(screen)
            await pilot.pause()
            table = screen.query_one(DataTable)
            [row] = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
            assert row == ["1", "—", NO_REPORT, "—", "—", "unknown"]
            notes = str(screen.query_one("#audit-notes", Static).render())
            assert f"Turn 1: {expected}" in notes
        store.close()
