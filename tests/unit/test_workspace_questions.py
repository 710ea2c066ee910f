"""Questions wait in one queue across sessions; a Future answers them, the workspace sends it."""

from __future__ import annotations

import asyncio

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.workspace.questions import QuestionReply, WaitingQuestion
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


async def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    """Let the workspace's tasks run until `condition()` holds (bounded by a count, not a clock)."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


async def asking(workspace: Workspace, title: str) -> tuple[SessionController, asyncio.Task[object]]:
    session = await workspace.open_session(title)
    turn = asyncio.create_task(workspace.send(session, "ask me"))
    await until(lambda: workspace.questions.waiting(session), "a question waits")
    return session, turn


async def test_the_dialog_resolves_the_future_and_the_turn_goes_on(workspace: Workspace) -> None:
    announced: list[WaitingQuestion] = []
    workspace.questions.asked.subscribe(announced.append)
    session, turn = await asking(workspace, "Quiz")
    [waiting] = workspace.questions.waiting(session)
    assert announced == [waiting] and waiting.open
    option = waiting.asked.questions[0].options[0].label
    waiting.future.set_result(QuestionReply("answer", ((option,),)))
    await turn
    assert workspace.questions.waiting() == []
    assert waiting.future.done()
    assert f"You answered my question: {option}." in session.transcript.messages[-1].text


async def test_a_deferred_question_waits_with_a_fresh_future(workspace: Workspace) -> None:
    session, turn = await asking(workspace, "Later")
    [waiting] = workspace.questions.waiting(session)
    first = waiting.future
    first.set_result(QuestionReply("defer"))
    await until(lambda: waiting.future is not first, "a fresh future")
    assert waiting.open and workspace.questions.next_open(session) is waiting
    waiting.future.set_result(QuestionReply("cancel"))  # cancels the turn
    await turn
    assert workspace.questions.waiting() == []
    assert session.transcript.last_turn is not None and session.transcript.last_turn.state != "running"


async def test_questions_of_several_sessions_wait_oldest_first(workspace: Workspace) -> None:
    first, first_turn = await asking(workspace, "First")
    second, second_turn = await asking(workspace, "Second")
    assert [w.session for w in workspace.questions.waiting()] == [first, second]
    for waiting in workspace.questions.waiting():
        waiting.future.set_result(QuestionReply("cancel"))
    await asyncio.gather(first_turn, second_turn)
    assert workspace.questions.waiting() == []
