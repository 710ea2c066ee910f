"""Bring back the stored sessions of the backends in use, as they were when the app last ran.

Reading them is disk work: `read_stored` may run on a worker thread (the app does so, to keep
its loop free); building the controllers from what was read happens on the workspace's loop.
The app restores in stages (`restore_in_stages`): the session it shows first is read, added and
drawn before the others are read, so the first session on screen waits for one transcript, not all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass

from tui_app.backends.base import AgentBackend
from tui_app.core.events import DomainEvent
from tui_app.core.session_state import SessionStatus
from tui_app.persistence.store import SessionRecord, Store
from tui_app.workspace.session_controller import LedgerBook, SessionController, StoredSession


@dataclass(frozen=True, slots=True)
class Listed:
    """A stored session as its record says, before its transcript is read: the app lists these
    from its first frame (`listed`), and restores the sessions after it is painted."""

    id: str
    title: str
    backend: str
    state: str
    new_files: bool = False
    """The `+files` mark, kept in the record: the first frame shows it."""


def listed(store: Store, backends: Collection[str]) -> list[Listed]:
    """The stored sessions of `backends`, oldest first (the order a restore adds them in), from
    their records alone: one query, no transcript read."""
    return [Listed(r.id, r.title, r.backend, r.state, r.new_files) for r in store.sessions() if r.backend in backends]


def read_stored(store: Store, backends: Collection[str], only: str | None = None) -> list[StoredSession]:
    """Every stored session of `backends` (those whose sessions are kept), oldest first; or only
    the one whose id is `only` (`tui-app ask --session` continues one, and checks no other)."""
    return [
        StoredSession.read(store, record)
        for record in store.sessions()
        if record.backend in backends and only in (None, record.id)
    ]


Stage = Callable[[], Awaitable[object]]
"""What the app awaits between the stages of a restore (drawing the session it shows first)."""


async def restore_in_stages(
    store: Store, backends: Collection[str], prefer: str | None, add: Callable[[list[StoredSession]], object], shown: Stage
) -> bool:
    """Read on worker threads the records and, if there are any, the session whose id is `prefer`
    (else the latest), and `add` it; await `shown` (the app draws it), then read and `add` the
    others. True if there were any."""
    records = await asyncio.to_thread(lambda: [r for r in store.sessions() if r.backend in backends])
    if not records:
        return False
    # The latest as `Workspace._restored` picks it: the first of the latest start.
    first = next((r for r in records if r.id == prefer), None) or max(records, key=lambda r: r.created_at)
    add(await asyncio.to_thread(lambda: [StoredSession.read(store, first)]))
    await shown()
    if rest := [record for record in records if record.id != first.id]:
        add(await asyncio.to_thread(lambda: [StoredSession.read(store, record) for record in rest]))
    return True


def in_start_order(sessions: dict[str, SessionController], session: SessionController) -> None:
    """Add `session` to `sessions` where its start puts it: the sessions restored after the one
    shown first go back above it, in the order of the last run."""
    sessions[session.id] = session
    if any(other.created_at > session.created_at for other in sessions.values()):
        ordered = sorted(sessions.values(), key=lambda s: (s.created_at, s.id))
        sessions.clear()
        sessions.update((s.id, s) for s in ordered)


def rebuild_sessions(
    stored: list[StoredSession],
    store: Store,
    backends: Mapping[str, AgentBackend],
    book: LedgerBook,
    on_change: Callable[[SessionController, DomainEvent | None], None],
    idle_timeout_ms: int | None = None,
) -> list[SessionController]:
    """`idle_timeout_ms`: what the app asks new sessions for (None: each service's default)."""
    sessions = []
    for one in stored:
        session = SessionController.rebuild(one, backends[one.record.backend], store, on_change=on_change, ledger=book)
        keep_idle_clock(session, one.record, idle_timeout_ms)
        sessions.append(session)
    return sessions


def keep_idle_clock(session: SessionController, record: SessionRecord, idle_timeout_ms: int | None) -> None:
    """The idle clock goes on from the stored last activity, as the service's did while the app
    was closed: a session it would have snapshotted meanwhile is `idle` (its next send resumes)."""
    quiet = max(0.0, time.time() - record.last_activity)
    # The controller's clock is monotonic (rebuild gives it no other): the same quiet spell on it.
    session.last_activity = time.monotonic() - quiet
    # The timeout is not stored, and neither service says it again: the one the app asks for,
    # else the service's default.
    timeout = idle_timeout_ms or session.backend.capabilities.idle_snapshot_ms
    if session.remote is None or timeout is None:
        return
    session.remote = dataclasses.replace(session.remote, idle_timeout_ms=timeout)
    if session.state == "ready" and (record.state == "idle" or quiet >= timeout / 1000):
        session.status = SessionStatus("idle", time.monotonic())


def restore_sessions(
    store: Store,
    backends: Mapping[str, AgentBackend],
    book: LedgerBook,
    on_change: Callable[[SessionController, DomainEvent | None], None],
    idle_timeout_ms: int | None = None,
    only: str | None = None,
) -> list[SessionController]:
    """Read and rebuild on the caller's thread (for `tui-app ask` and tests)."""
    return rebuild_sessions(read_stored(store, backends, only), store, backends, book, on_change, idle_timeout_ms)
