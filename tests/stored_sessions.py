"""Real sessions in a real store: conversations with the embedded server over HTTP, kept by the
session controller exactly as the app keeps them."""

from __future__ import annotations

from pathlib import Path

from tui_app.backends.base import AgentBackend
from tui_app.backends.connection import Connection
from tui_app.workspace.session_controller import SessionController
from tui_app.persistence.store import Store


async def open_session(backend: AgentBackend, store: Store, title: str, *messages: str) -> SessionController:
    """A new session on `backend`, kept in `store`, with `messages` sent and handed to the store."""
    session = SessionController(backend, title=title, store=store)
    await session.open()
    for text in messages:
        await session.send(text)
    session.flush()
    return session


async def record_session(connection: Connection, store: Store, title: str, *messages: str) -> SessionController:
    backend = connection.open_backend()
    try:
        return await open_session(backend, store, title, *messages)
    finally:
        await backend.aclose()


async def two_sessions(connection: Connection, directory: Path) -> tuple[SessionController, SessionController]:
    """A session about Paris with a tool call and two turns, and a short one about groceries."""
    directory.mkdir(parents=True, exist_ok=True)
    with Store(directory / "tui-app.db") as store:
        paris = await record_session(connection, store, "Paris trip", "plan a trip to Paris, use a tool", "think about museums")
        groceries = await record_session(connection, store, "Groceries", "a list for apples and bread")
    return paris, groceries
