"""A message with files written while the agent replies is queued like any other: its files are
read and checked when it is queued (a refused one stays in the composer with the reason), kept
with the queued message across a restart as they were read, and sent when its turn comes, on
both APIs. The server side is checked: what it received, and its demo agent's word for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import connection_to, release, wait_until
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.queued_messages import QueuedMessages

NOTES = "# Notes\n\n- one\n- two\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory, where `@path` looks: a text file and a binary one."""
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def attach(pilot: Pilot[None], composer: Composer, typed: str) -> None:
    composer.insert(f"@{typed}")
    await wait_until(pilot, lambda: bool(composer.path_choices.choices))
    await pilot.press("tab")


async def replying(app: TuiApp, pilot: Pilot[None]) -> Composer:
    """The first message sent, and its turn running (it crawls until the server is released)."""
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    composer = app.query_one(Composer)
    composer.insert("first")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "streaming")
    return composer


def user_texts(app: TuiApp) -> list[str]:
    assert app.current is not None
    return [m.text for m in app.current.transcript.messages if m.role == "user"]


@pytest.mark.parametrize("api", ["casedev", "stewrd"])
async def test_a_message_with_a_file_is_queued_kept_across_a_restart_and_sent_with_it(
    folder: Path, crawling_server: EmbeddedServer, api: str
) -> None:
    server = crawling_server
    local = connection_to(server)
    connection = local if api == "casedev" else Connection("stewrd", local.base_url, ApiKey(server.api_key))
    with Store(folder / "tui-app.db") as store:
        app = TuiApp(connection, store=store)
        async with app.run_test(size=(100, 30)) as pilot:
            composer = await replying(app, pilot)
            await attach(pilot, composer, "no")
            composer.insert("read this")
            await pilot.press("enter")
            shown = app.query_one(QueuedMessages)
            await wait_until(pilot, lambda: "1. read this + notes.md" in str(shown.render()))
            assert composer.text == "" and composer.attachments == []  # queued: the composer is free
            assert not [n for n in app.notices.history if n.severity == "error"]
            session_id = app.current.id  # type: ignore[union-attr]
        assert app.current is not None and app.current.state == "streaming"  # quit mid-turn

    # The queued message took the file as it was read: it goes even though the file is gone now.
    (folder / "notes.md").unlink()
    release(server)
    with Store(folder / "tui-app.db") as store:
        again = TuiApp(connection, store=store)
        async with again.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: again.current is not None and again.current.id == session_id)
            attached = f"read this\n\nattached: notes.md ({len(NOTES)} B)"
            await wait_until(pilot, lambda: user_texts(again) == ["first", attached], timeout=60)
            session = again.current
            assert session is not None and session.remote is not None
            await wait_until(pilot, lambda: session.state == "ready" and len(session.transcript.messages) == 4, timeout=60)
            assert session.transcript.messages[-1].text.startswith(f"I received notes.md, {len(NOTES)} bytes.")
            # The reply running when the app quit: followed to its end, or (Stewrd cannot resume
            # one) ended saying the rest is lost; never left waiting, empty and unexplained.
            reply = session.transcript.messages[1]
            assert reply.completed
            if api == "casedev":
                assert reply.text.startswith("You said “first”")
            else:
                turn = session.transcript.turn(reply.turn_id or "")
                assert turn is not None and turn.state == "failed" and "the rest of it is lost" in (turn.error or "")
            if api == "casedev":
                received = [turn.user_text for turn in server.registry.chats[session.remote.id].turns]
                assert received == ["first", f"read this\n```notes.md\n{NOTES}```"]
            else:  # Stewrd keeps the message as typed; the file went beside it
                kept = server.app.state.stewrd.sessions[session.remote.id]
                assert kept.earlier_user_messages() == ["first", "read this"]
            assert not again.query_one(QueuedMessages).display


async def test_a_file_refused_when_queued_stays_in_the_composer_with_the_reason(
    folder: Path, crawling_server: EmbeddedServer
) -> None:
    app = TuiApp(connection_to(crawling_server))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await replying(app, pilot)
        await attach(pilot, composer, "lo")
        composer.insert("look at this")
        await pilot.press("enter")
        reason = "logo.png is a binary file: only text files can be attached."
        await wait_until(pilot, lambda: any(reason in str(n.message) for n in app.notices.history))
        assert composer.text == "look at this" and composer.attachments == ["logo.png"]
        assert not app.query_one(QueuedMessages).display
        assert app.current is not None and app.workspace.drafts.queued(app.current) == ()


async def test_up_takes_a_queued_message_back_with_its_chips(folder: Path, crawling_server: EmbeddedServer) -> None:
    app = TuiApp(connection_to(crawling_server))
    async with app.run_test(size=(100, 30)) as pilot:
        composer = await replying(app, pilot)
        await attach(pilot, composer, "no")
        composer.insert("edit me")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query_one(QueuedMessages).display)
        await pilot.press("up")
        assert composer.text == "edit me" and composer.attachments == ["notes.md"]
        assert not app.query_one(QueuedMessages).display
        await pilot.press("enter")  # queued again, with its file read again
        await wait_until(pilot, lambda: app.query_one(QueuedMessages).display)
        await pilot.press("ctrl+k")  # removed; Up brings it back whole
        await wait_until(pilot, lambda: not app.query_one(QueuedMessages).display)
        await pilot.press("up")
        assert composer.text == "edit me" and composer.attachments == ["notes.md"]
