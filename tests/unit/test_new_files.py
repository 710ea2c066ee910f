"""Which turns made files, against the embedded server over real HTTP: a session started before
the marks were followed (as after a restart) is listed when its next turn starts, so only that
turn's files count as new; a turn on screen marks nothing but its files still say which turn
wrote them."""

from __future__ import annotations

import asyncio

import pytest

from tests.unit.workspace_fixtures import own_server, store, workspace  # noqa: F401  (fixtures)
from tui_app.server.options import ServerOptions
from tui_app.workspace.new_files import NewFiles, has_new_files
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


@pytest.fixture
def server_options() -> ServerOptions:
    # Paced, as a real agent is: the list taken as a turn starts comes long before its files.
    return ServerOptions(tokens_per_second=200)


def following(opened: Workspace, on_screen: SessionController | None) -> tuple[NewFiles, asyncio.Queue[SessionController]]:
    marks = NewFiles(opened.changes, lambda session: False, lambda: on_screen)
    checked: asyncio.Queue[SessionController] = asyncio.Queue()
    marks.checked.subscribe(checked.put_nowait)
    return marks, checked


async def test_a_session_older_than_the_marks_counts_only_its_next_turns_files(workspace: Workspace) -> None:  # noqa: F811 (the fixture)
    session = await workspace.open_session("Older")
    await workspace.send(session, "hello")  # before anyone followed: out/turn-1.md is old news
    marks, checked = following(workspace, on_screen=None)
    await workspace.send(session, "please make a file")
    assert await asyncio.wait_for(checked.get(), 10) is session
    assert has_new_files(session)
    assert marks.turn_of(session, "notes/turn-2/summary.md") == 2 and marks.turn_of(session, "out/turn-2.md") == 2
    assert marks.turn_of(session, "out/turn-1.md") is None  # there before the list was taken
    marks.looked(session)
    assert not has_new_files(session)
    marks.detach()


async def test_a_turn_on_screen_marks_nothing_and_still_says_which_turn_wrote_what(workspace: Workspace) -> None:  # noqa: F811 (the fixture)
    session = await workspace.open_session("Here")
    marks, checked = following(workspace, on_screen=session)
    await workspace.send(session, "please make a file")
    assert await asyncio.wait_for(checked.get(), 10) is session
    assert not has_new_files(session)
    assert marks.turn_of(session, "notes/turn-1/summary.md") == 1
    marks.detach()
