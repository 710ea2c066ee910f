"""The app's start: its first screen is painted before the embedded server runs and before any
transcript is read.

With a `connecting` callable (the CLI's: it starts the embedded server, and looks up the keys of
the other backends), the first frame shows the stored sessions from their records alone and says
"connecting…"; once it is written `connecting` runs on a worker thread, the live connections take
the provisional one's place, the HTTP clients open, and the stored sessions are restored (or a
new one starts). Keys typed meanwhile stay in the composer (`early_keys.py`; the first switch
keeps them).

For timing a cold start as a whole process (benchmarks/cold_start.py): with
`TUI_APP_EXIT_AFTER_FIRST_PAINT` set, the app quits once its first session is drawn.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable

from textual.app import App

from tui_app.ui.flows.notices import NoticeBoard
from tui_app.ui.flows.session_view import SessionView
from tui_app.ui.widgets.session_sidebar import ListedItem
from tui_app.backends.registry import remote_names
from tui_app.workspace.connecting import Connecting, attach
from tui_app.workspace.reopen import reopen
from tui_app.workspace.restore import Listed, listed
from tui_app.workspace.workspace import Workspace

EXIT_AFTER_FIRST_PAINT = "TUI_APP_EXIT_AFTER_FIRST_PAINT"
"""Set (to anything) in the environment, the app quits once its first screen is painted."""

PAINT_WAIT_LIMIT = 1.0
"""Seconds to wait for the first refresh at most: the start is never held back for longer."""

CONNECTING = "Connecting to {}… (you can type already)"
RESTORING = "Restoring {} stored sessions… (you can type already)"


async def after_first_paint(app: App[None]) -> None:
    """Return once the screen has been laid out and written once (or PAINT_WAIT_LIMIT passed)."""
    painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def done() -> None:
        if not painted.done():
            painted.set_result(None)

    # Textual runs a screen's after-refresh callbacks once its update is composited and written.
    app.screen.call_after_refresh(done)
    limit = app.set_timer(PAINT_WAIT_LIMIT, done)  # (a callback dropped by a closing app)
    try:
        await painted
    finally:
        limit.stop()


def listed_at_start(workspace: Workspace, connecting: Connecting | None) -> list[Listed]:
    """The stored sessions the sidebar lists in the first frame, from their records (one query),
    when the sessions are restored after it (with `connecting`): those of the app's backend and
    of every remote one (which are restored is known once the keys are; the others' rows go)."""
    if connecting is None or workspace.store is None:
        return []
    return listed(workspace.store, {*workspace.connections, *remote_names()})


def begin(
    app: App[None],
    view: SessionView,
    connecting: Connecting | None,
    new_session: Callable[[], object],
    notices: NoticeBoard,
    problems: Iterable[str],
) -> None:
    """Start the app's work from its `on_mount`. Without `connecting` the connection is live
    already: the clients open now and the stored sessions are read at once (off the loop)."""
    workspace = view.workspace
    if connecting is None:
        workspace.open()  # the HTTP clients belong to this event loop: opened here, not before
        notices.startup(problems, workspace.connection.notice)
        app.run_worker(view.first_session(new_session), group="switch")
        return
    stored = len(view.sidebar.query(ListedItem))
    connection = workspace.connection
    view.title.update(CONNECTING.format(f"the {connection.where}" if connection.spec.embedded else connection.where))
    app.sub_title = f"{workspace.connection.backend} · connecting…"
    app.run_worker(_connect(app, view, connecting, new_session, notices, problems, stored), group="switch")


async def _connect(
    app: App[None],
    view: SessionView,
    connecting: Connecting,
    new_session: Callable[[], object],
    notices: NoticeBoard,
    problems: Iterable[str],  # (read when shown: the `[keys]` check imports every screen)
    stored: int,
) -> None:
    await after_first_paint(app)
    workspace = view.workspace
    # Starting the server is mostly imports, a keyring may take seconds to answer (seen: 3.4 s
    # over D-Bus): on threads, side by side, while the loop keeps taking keys.
    live, more = await asyncio.gather(asyncio.to_thread(connecting.live), asyncio.to_thread(connecting.more))
    for connection in (live, *more):
        attach(workspace, connection)
    workspace.open()
    app.sub_title = f"{workspace.connection.backend} · {workspace.connection.where}"
    notices.startup(problems, workspace.connection.notice)
    if stored:
        view.title.update(RESTORING.format(stored))
    await first_session_in_stages(view, new_session)
    view.sidebar.drop_listed()  # stored sessions not restored after all (their server forgets them)
    if workspace.current is None:
        view.title.update("")


async def first_session_in_stages(view: SessionView, new_session: Callable[[], object]) -> None:
    """The session on screen last time (else the latest) as soon as it alone is read and drawn,
    then the other stored ones; or a new session when none is stored."""
    workspace, place = view.workspace, view.remembered.place

    async def shown() -> None:
        if (session := reopen(workspace, place)) is not None:
            await view.switch(session)

    # Marks of sessions not read yet stay remembered through the first switch (which saves the place).
    workspace.unread.update(place.unread)
    if not await workspace.restore(place.current, shown):
        new_session()
    workspace.unread.intersection_update(workspace.sessions)  # (sessions gone since: no mark)
    for session in workspace.order:
        view.sidebar.refresh_session(session, session.id in workspace.unread)


def first_session_drawn(view: SessionView) -> bool:
    """Whether a session is on screen: its title above the transcript, its frame rendered."""
    session = view.workspace.current
    return (
        session is not None
        and str(view.title.content).startswith(f"{session.title} · ")
        and not view.transcript.rendering
    )


def exit_after_first_paint_if_asked(app: App[None], view: SessionView) -> None:
    if not os.environ.get(EXIT_AFTER_FIRST_PAINT):
        return

    # A little after the screen that shows the first session is written (its after-refresh
    # callbacks run then), and every stored session is restored: on a loaded machine, an exit
    # while the others were read could beat the first session's frame to the terminal.
    def exit_when_painted() -> None:
        if first_session_drawn(view) and not view.sidebar.query(ListedItem):
            poll.stop()
            app.screen.call_after_refresh(lambda: app.set_timer(0.5, app.exit))

    poll = app.set_interval(0.01, exit_when_painted)
