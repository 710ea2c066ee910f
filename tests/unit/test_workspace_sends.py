"""Sends have one owner: pending until the service takes them, then sent; failed leaves nothing."""

from __future__ import annotations

import pytest

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.backends.errors import BackendError
from tui_app.server.options import ServerOptions
from tui_app.workspace import export
from tui_app.workspace.changes import Notice
from tui_app.workspace.sends import Send
from tui_app.workspace.workspace import Workspace


def user_texts(workspace: Workspace, session_id: str) -> list[str]:
    session = workspace.sessions[session_id]
    return [m.text for m in session.transcript.messages if m.role == "user"]


def you_said(markdown: str) -> int:
    """How many messages of the user the Markdown export holds."""
    return sum(line.startswith("## You") for line in markdown.splitlines())


def exported(workspace: Workspace, session_id: str) -> str:
    assert workspace.store is not None
    workspace.sessions[session_id].flush()
    return export.render(export.load(workspace.store, session_id), "md")


async def test_a_send_refused_three_times_leaves_no_message_and_a_retry_shows_exactly_one(
    workspace: Workspace, server_options: ServerOptions
) -> None:
    session = await workspace.open_session("Phantoms")
    server_options.fail_next[:] = [503, 503, 503]  # one more than the client's retries
    with pytest.raises(BackendError):
        await workspace.send(session, "hello there")
    assert user_texts(workspace, session.id) == []
    assert you_said(exported(workspace, session.id)) == 0
    assert session.state in ("ready", "idle")  # it can take the retry

    retried = await workspace.send(session, "hello there")
    assert retried.state == "sent"
    assert user_texts(workspace, session.id) == ["hello there"]
    assert you_said(exported(workspace, session.id)) == 1
    assert session.transcript.last_turn is not None and session.transcript.last_turn.state == "completed"


async def test_a_failed_background_send_is_announced_with_its_text(
    workspace: Workspace, server_options: ServerOptions
) -> None:
    session = await workspace.open_session("Background")
    finished: list[Send] = []
    notices: list[Notice] = []
    workspace.sends.subscribe(finished.append)
    workspace.notices.subscribe(notices.append)
    server_options.fail_next[:] = [503, 503, 503]
    send = workspace.start_send(session, "kept for the composer")
    assert send.state == "pending"
    while not finished:
        await session_settles()
    assert finished == [send] and send.state == "failed" and send.error
    assert [n.title for n in notices] == ["Background: not sent"]
    assert user_texts(workspace, session.id) == []


async def test_a_send_that_goes_through_is_in_the_transcript_once(workspace: Workspace) -> None:
    session = await workspace.open_session("Plain")
    send = await workspace.send(session, "just once")
    assert send.state == "sent" and send.error is None
    assert user_texts(workspace, session.id) == ["just once"]
    assert you_said(exported(workspace, session.id)) == 1


async def session_settles() -> None:
    import asyncio

    await asyncio.sleep(0.05)
