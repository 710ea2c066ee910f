"""Off screen, turns that end close together share one list of the sandbox's files, against the
embedded server over real HTTP: what they made is still marked and said to be of the last of
them; a turn that ends on screen, or the files view, takes the list at once; and a list that
waits comes by itself once the interval has passed. (The demo agent writes `out/turn-N.md`
every turn, and `notes/turn-N/summary.md` when asked to make a file.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.unit.test_workspace_questions import until
from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.questions import QuestionReply
from tui_app.workspace.new_files import NewFiles, has_new_files
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

FOREVER = 3600.0
"""An interval no test outlives: a list that waits for it is taken only when asked."""
SHORT = 0.2
"""An interval that passes within a test."""


def following(
    opened: Workspace, shown: list[SessionController], interval: float, clock: Callable[[], float] = time.monotonic
) -> tuple[NewFiles, asyncio.Queue[SessionController]]:
    """Marks that take `shown[-1]` (if any) as the session on screen, and the checks they announce."""
    marks = NewFiles(opened.changes, lambda session: False, lambda: shown[-1] if shown else None, interval, clock)
    checked: asyncio.Queue[SessionController] = asyncio.Queue()
    marks.checked.subscribe(checked.put_nowait)
    return marks, checked


async def first_turn_off_screen(opened: Workspace, marks: NewFiles, checked: asyncio.Queue[SessionController]) -> SessionController:
    """A session whose first turn ended off screen: listed at once (none was taken before), marked, then looked at."""
    session = await opened.open_session("Busy")
    await opened.send(session, "hello")
    assert await asyncio.wait_for(checked.get(), 10) is session
    assert has_new_files(session) and marks.turn_of(session, "out/turn-1.md") == 1
    marks.looked(session)
    return session


async def test_turns_off_screen_within_the_interval_share_one_list_and_still_mark(workspace: Workspace) -> None:  # noqa: F811 (the fixture)
    marks, checked = following(workspace, [], FOREVER)
    session = await first_turn_off_screen(workspace, marks, checked)

    await workspace.send(session, "please make a file")
    await workspace.send(session, "hello again")
    assert checked.empty() and not has_new_files(session)  # both wait for one list

    await marks.settled(session)  # the files view asks: taken now
    assert checked.qsize() == 1 and checked.get_nowait() is session
    assert has_new_files(session)
    assert [marks.turn_of(session, path) for path in ("notes/turn-2/summary.md", "out/turn-2.md", "out/turn-3.md")] == [3, 3, 3]
    assert marks.turn_of(session, "out/turn-1.md") == 1
    marks.detach()


async def test_a_turn_that_ends_on_screen_takes_the_waiting_list_at_once_and_marks_what_came_off_screen(
    workspace: Workspace,  # noqa: F811 (the fixture)
) -> None:
    shown: list[SessionController] = []
    marks, checked = following(workspace, shown, FOREVER)
    session = await first_turn_off_screen(workspace, marks, checked)

    await workspace.send(session, "please make a file")  # off screen: waits
    shown.append(session)
    await workspace.send(session, "hello again")  # on screen: listed at once, with turn 2's files
    assert await asyncio.wait_for(checked.get(), 10) is session
    assert has_new_files(session)  # turn 2 ended off screen
    assert marks.turn_of(session, "notes/turn-2/summary.md") == 3
    assert checked.empty()
    marks.detach()


async def test_a_waiting_list_comes_by_itself_once_the_interval_has_passed(workspace: Workspace) -> None:  # noqa: F811 (the fixture)
    marks, checked = following(workspace, [], 0.2)
    session = await first_turn_off_screen(workspace, marks, checked)

    await workspace.send(session, "please make a file")
    assert await asyncio.wait_for(checked.get(), 10) is session
    assert has_new_files(session) and marks.turn_of(session, "notes/turn-2/summary.md") == 2
    marks.detach()


async def test_a_waiting_list_due_while_a_turn_runs_waits_for_its_end_so_its_files_are_its_own(
    workspace: Workspace,  # noqa: F811 (the fixture)
    own_server: EmbeddedServer,  # noqa: F811 (the fixture)
) -> None:
    # A service's agent writes files as it works: a list taken mid-turn would note what the
    # running turn made so far as the previous turn's, and the running turn's end would then
    # find nothing new. (The demo agent writes its files at the turn's end; the test writes
    # one into the chat's sandbox mid-turn, as a real agent would.)
    marks, checked = following(workspace, [], SHORT, clock=lambda: 0.0)  # (a list waits SHORT, however slow the turns)
    session = await first_turn_off_screen(workspace, marks, checked)
    await workspace.send(session, "hello again")  # off screen, just after a list: waits
    assert checked.empty()

    turn = asyncio.create_task(workspace.send(session, "ask me"))  # runs until answered
    await until(lambda: bool(workspace.questions.waiting(session)), "a question waits")
    assert session.remote is not None
    chat = own_server.registry.get(session.remote.id)
    assert chat is not None
    chat.files["mid/made-by-turn-3.txt"] = b"written while turn 3 runs"
    await asyncio.sleep(SHORT * 3)  # the waiting list's time comes while turn 3 runs

    [waiting] = workspace.questions.waiting(session)
    waiting.future.set_result(QuestionReply("answer", ((waiting.asked.questions[0].options[0].label,),)))
    await turn
    assert await asyncio.wait_for(checked.get(), 10) is session
    assert marks.turn_of(session, "mid/made-by-turn-3.txt") == 3
    assert marks.turn_of(session, "out/turn-3.md") == 3
    assert has_new_files(session)
    marks.detach()
