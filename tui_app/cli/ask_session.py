"""One `tui-app ask` on the event loop: open a session (or continue a stored one), send the
message, follow the turn with the question policy, end the session it created, and summarise.

The workspace does the work, as it does for the app: sessions are kept in the app's store,
questions go through its queue, and the end goes through its end-session path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from tui_app.backends.connection import Connection
from tui_app.backends.errors import BackendError
from tui_app.core.attachments import Attachment
from tui_app.cli.ask_output import AskResult, JsonLinesOutput, TextOutput
from tui_app.cli.ask_questions import Policy, QuestionResponder, TerminalLines, refused_answer_watch
from tui_app.core.session_state import BUSY, TERMINAL
from tui_app.persistence.store import Store
from tui_app.settings.user_settings import Settings
from tui_app.workspace.changes import Notice, SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

CANCEL_GRACE_SECONDS = 15.0
"""After a question stopped the turn, how long the service has to end it before `ask` stops
following it anyway: a cancel that is lost must not make `ask` hang."""
TITLE_LENGTH = 48
EXIT_BROKEN_PIPE = 141
"""The reader of stdout went away (`| head`): the shell's status for a process killed by SIGPIPE."""


@dataclass(frozen=True, slots=True)
class AskOptions:
    text: str
    model: str | None = None
    continue_id: str | None = None
    """A stored session to send to, instead of a new one."""
    keep: bool = False
    json: bool = False
    policy: Policy = "fail"
    files: tuple[Attachment, ...] = ()
    """Local files sent with the message (read and checked before the session is opened)."""


class CannotContinue(Exception):
    """The stored session cannot take a message here; the message says why."""


def title_for(text: str) -> str:
    line = " ".join(text.split())
    return "ask: " + (line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…")


def print_notice(err: TextIO) -> Callable[[Notice], None]:
    def show(notice: Notice) -> None:
        head = f"{notice.title}: " if notice.title else ""
        # One line each: a script reading stderr line by line meets one notice per line.
        err.write(f"tui-app ask: {head}{' '.join(notice.message.split())}\n")
        err.flush()

    return show


async def _until_ready(workspace: Workspace, session: SessionController) -> None:
    """A continued session may be catching up on a turn that ran when its last client left."""
    if session.state not in BUSY:
        return
    ready = asyncio.Event()

    def check(change: SessionChange) -> None:
        if change.session is session and session.state not in BUSY:
            ready.set()

    unsubscribe = workspace.changes.subscribe(check)
    try:
        if session.state in BUSY:
            await ready.wait()
    finally:
        unsubscribe()


def _continued(workspace: Workspace, session_id: str) -> SessionController:
    session = workspace.sessions.get(session_id)
    if session is None:
        raise CannotContinue(
            f"session {session_id[:12]} is not kept by this run's {workspace.connection.backend} backend"
            + (f" ({workspace.connection.notice})" if workspace.connection.notice else "")
            + "."
        )
    if session.state in TERMINAL or session.remote is None:
        why = session.error or f"it has {session.state}"
        raise CannotContinue(f"session {session_id[:12]} {session.title!r} cannot take a message: {why}")
    return session


async def _follow(send: asyncio.Task[object], responder: QuestionResponder, closed: asyncio.Event) -> None:
    """Wait for the turn to end, or for a question to stop it and the service to end it soon
    after; stop at once when nobody reads the output any more."""
    stopped = asyncio.create_task(responder.stopped.wait())
    gone = asyncio.create_task(closed.wait())
    try:
        await asyncio.wait({send, stopped, gone}, return_when=asyncio.FIRST_COMPLETED)
        if not send.done() and not closed.is_set():
            await asyncio.wait({send, gone}, timeout=CANCEL_GRACE_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        if not send.done():
            send.cancel()
    finally:
        stopped.cancel()
        gone.cancel()
    await asyncio.gather(send, return_exceptions=True)


def _exit_status(
    session: SessionController, earlier: set[str], responder: QuestionResponder, error: str | None
) -> tuple[int, str | None]:
    if responder.stop is not None:
        return responder.stop.exit_status, responder.stop.reason
    if error is not None:
        return 1, error
    turn = session.transcript.last_turn
    turn = turn if turn is not None and turn.id not in earlier else None
    if turn is not None and turn.state == "completed":
        return 0, None
    if responder.skipped and turn is not None and turn.state == "cancelled":
        return 0, None
    reason = turn.error if turn and turn.error else "the turn did not complete"
    return 1, f"{turn.state if turn else 'failed'}: {reason}"


async def ask(
    connection: Connection,
    options: AskOptions,
    out: TextIO,
    err: TextIO,
    answers: TextIO | None = None,
    store: Store | None = None,
    settings: Settings | None = None,
) -> int:
    """Run one `ask`; returns its exit status. `answers` is where a person types answers (at a
    terminal); a `BackendError` before the session exists propagates."""
    workspace = Workspace([connection], store, settings, options.model)
    responder = QuestionResponder(options.policy, err, TerminalLines(answers) if answers is not None else None)
    workspace.questions.asked.subscribe(responder.on_asked)
    workspace.notices.subscribe(print_notice(err))
    recheck = refused_answer_watch(responder, workspace.questions.waiting)
    workspace.notices.subscribe(lambda _: recheck())
    if connection.notice:
        err.write(f"tui-app ask: {connection.notice}\n")
    try:
        if options.continue_id is not None:
            workspace.start(only=options.continue_id)
            session = _continued(workspace, options.continue_id)
            await _until_ready(workspace, session)
        else:
            workspace.open()
            session = await _new_session(workspace, title_for(options.text))
        output = (
            JsonLinesOutput(session, out, options.continue_id is not None) if options.json else TextOutput(session, out)
        )
        workspace.changes.subscribe(output)
        error: str | None = None
        earlier = {turn.id for turn in session.transcript.turns}
        send = asyncio.create_task(workspace.send(session, options.text, options.files))
        await _follow(send, responder, output.closed)
        output.reply_done()
        failure = None if send.cancelled() else send.exception()
        if isinstance(failure, BackendError):
            error = failure.message
            err.write(f"tui-app ask: {error}\n")
        elif failure is not None:
            raise failure
        status, reason = _exit_status(session, earlier, responder, error)
        if status != 0 and error is None and responder.stop is None and not output.closed.is_set():
            err.write(f"tui-app ask: {reason}\n")
        ended = False
        if options.continue_id is None and not options.keep:
            ended = await _end(workspace, session)
        output.finish(AskResult(session, status, reason, ended, options.continue_id is not None))
        return EXIT_BROKEN_PIPE if output.closed.is_set() else status
    finally:
        await responder.aclose()
        await workspace.aclose()


async def _new_session(workspace: Workspace, title: str) -> SessionController:
    """A session on the service; one that could not start is not kept: nothing was said in it,
    and the error is the caller's to report."""
    try:
        return await workspace.open_session(title)
    except BackendError:
        unstarted = workspace.current
        if workspace.store is not None and unstarted is not None:
            workspace.store.delete_session(unstarted.id)
        raise


async def _end(workspace: Workspace, session: SessionController) -> bool:
    """End the chat `ask` created, so it does not stay open on its service; True if it ended."""
    if session.remote is None or session.state in TERMINAL or not session.backend.capabilities.end_with_cost:
        return False
    return await workspace.end(session) is not None
