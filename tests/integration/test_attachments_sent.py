"""Attached files reach the embedded server on both APIs over real HTTP: Stewrd in the message's
`files`, Case.dev as a fenced text part; the server's demo agent says what it received."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui_app.backends.casedev import CasedevBackend
from tui_app.backends.stewrd import StewrdBackend
from tui_app.core.attachments import Attachment
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.settings.backend_choice import ApiKey
from tui_app.workspace.sends import Send
from tui_app.workspace.session_controller import SessionController

NOTES = "# Notes\n\nA fence inside: ```python\n```\nand a longer one ````\n"


ACCENT = Attachment("b.txt", "é\n", 3)


def notes() -> Attachment:
    return Attachment("notes.md", NOTES, len(NOTES.encode()), "docs/notes.md")


@pytest.fixture
def stewrd() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        yield server


async def send_with(session: SessionController, text: str, files: tuple[Attachment, ...]) -> None:
    await session.send(text, Send(session.id, text, files))


async def test_a_casedev_attachment_arrives_as_a_fenced_text_part(server: EmbeddedServer) -> None:
    session = SessionController(CasedevBackend(server.base_url, ApiKey(server.api_key)))
    try:
        await session.open()
        await send_with(session, "please read this", (notes(),))
    finally:
        await session.backend.aclose()
    # What the server received: the message, then the file in a fence longer than its own.
    received = server.registry.chats[session.remote.id].turns[0].user_text  # type: ignore[union-attr]
    assert received == f"please read this\n`````notes.md\n{NOTES}`````"
    user, agent = session.transcript.messages
    assert user.text == "please read this\n\nattached: notes.md (61 B)"
    assert agent.text.startswith(f"I received notes.md, {len(NOTES.encode())} bytes.")


async def test_a_stewrd_attachment_arrives_in_the_messages_files(stewrd: EmbeddedServer) -> None:
    session = SessionController(StewrdBackend(stewrd.base_url, ApiKey(stewrd.api_key)))
    try:
        await session.open()
        await send_with(session, "please read this", (notes(), ACCENT))
    finally:
        await session.backend.aclose()
    user, agent = session.transcript.messages
    assert user.text == "please read this\n\nattached: notes.md (61 B), b.txt (3 B)"
    # The demo agent counts the bytes it received: the text arrived whole, UTF-8 included.
    assert agent.text.startswith(f"I received notes.md, {len(NOTES.encode())} bytes; b.txt, 3 bytes.")
    # Stewrd keeps the message as typed: the files went beside it, not into it.
    kept = stewrd.app.state.stewrd.sessions  # type: ignore[attr-defined]
    assert [s.earlier_user_messages() for s in kept.values()] == [["please read this"]]


async def test_a_message_without_files_is_answered_as_before(server: EmbeddedServer) -> None:
    session = SessionController(CasedevBackend(server.base_url, ApiKey(server.api_key)))
    try:
        await session.open()
        await session.send("```python\nprint(1)\n```")
    finally:
        await session.backend.aclose()
    assert not session.transcript.messages[1].text.startswith("I received")
