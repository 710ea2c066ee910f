"""A session's files: those its service lists (Case.dev's sandbox, only while it runs) and those
that came back with its replies (Stewrd's `files`, kept in the event log, so they outlive the
service's copy). The command line and the app read them here, the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from tui_app.backends.base import DEFAULT_MAX_FILE_BYTES, AgentBackend
from tui_app.core.events import DomainEvent, FilesReturned, TurnStarted
from tui_app.core.session_state import TERMINAL
from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import SessionController

STORE_WAIT_SECONDS = 5.0
"""How long the files view waits for the session's latest events to reach the store."""


@dataclass(frozen=True, slots=True)
class SessionFile:
    path: str
    """As the service names it: `/`-separated, relative, and never trusted as a local path."""
    size: int | None
    turn: int | None = None
    """Which turn wrote it (1 is the first), where known."""
    kept: bytes | None = None
    """Its content when kept here (returned with a reply); None: it is fetched from the service."""


def kept_files(events: Sequence[DomainEvent]) -> list[SessionFile]:
    """The files the session's replies brought back, the latest version of each path."""
    turns: dict[str, int] = {}
    found: dict[str, SessionFile] = {}
    for event in events:
        if isinstance(event, TurnStarted):
            turns.setdefault(event.turn_id, len(turns) + 1)
        elif isinstance(event, FilesReturned):
            for returned in event.files:
                data = returned.content.encode()
                found[returned.path] = SessionFile(returned.path, len(data), turns.get(event.turn_id), data)
    return list(found.values())


async def session_files(
    backend: AgentBackend, remote_id: str | None, events: Sequence[DomainEvent], sandbox_open: bool = True
) -> list[SessionFile]:
    """Every file of the session, by path. The service is asked only where it lists files and the
    session still runs there; a `BackendError` from it is raised."""
    files = {file.path: file for file in kept_files(events)}
    if backend.capabilities.files and remote_id and sandbox_open:
        for remote in await backend.list_files(remote_id):
            files.setdefault(remote.path, SessionFile(remote.path, remote.size))
    return sorted(files.values(), key=lambda file: file.path)


async def file_content(
    backend: AgentBackend, remote_id: str | None, file: SessionFile, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> bytes:
    """The file's bytes: kept ones from here, the others fetched (`BackendError` if that fails)."""
    if file.kept is not None:
        return file.kept
    if not remote_id:
        raise LookupError(f"{file.path!r} is not kept here and the session has no id on its service.")
    return await backend.fetch_file(remote_id, file.path, max_bytes)


async def files_of(session: SessionController, store: Store | None) -> list[SessionFile]:
    """The files of a session in the app: its latest events written first, so a file returned
    by the turn that just ended is there. Raises `BackendError` if the service refuses."""
    events: list[DomainEvent] = []
    if store is not None:
        session.flush()
        await asyncio.to_thread(store.flush, STORE_WAIT_SECONDS)
        events = store.load_events(session.id)
    remote_id = session.remote.id if session.remote else None
    return await session_files(session.backend, remote_id, events, sandbox_open=session.state not in TERMINAL)


async def content_of(session: SessionController, file: SessionFile) -> bytes:
    return await file_content(session.backend, session.remote.id if session.remote else None, file)
