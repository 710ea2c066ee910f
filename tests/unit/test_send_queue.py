"""The send queue in the workspace, without the UI: in order, one turn at a time; a queued send
the service refuses goes back to the head and holds the queue until the user sends again; the
queue is kept with the draft (draft_codec) and read back by a later run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.unit.workspace_fixtures import own_server, server_options, store, workspace  # noqa: F401  (fixtures)
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.workspace.draft_codec import QueuedMessage, StoredDraft, decode, encode
from tui_app.workspace.drafts import Drafts
from tui_app.workspace.send_queue import SendQueue
from tui_app.workspace.sends import Send
from tui_app.workspace.workspace import Workspace


async def until(condition: Callable[[], bool], timeout: float = 30) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"condition not reached within {timeout} s")


def user_texts(workspace: Workspace, session_id: str) -> list[str]:
    return [m.text for m in workspace.sessions[session_id].transcript.messages if m.role == "user"]


async def test_messages_written_during_a_send_go_after_it_in_order(workspace: Workspace) -> None:
    session = await workspace.open_session("Queue")
    queue = SendQueue(workspace)
    assert queue.submit(session, "first") is False  # sent at once
    assert queue.submit(session, "second") is True
    assert queue.submit(session, "third") is True
    assert queue.queued(session) == (QueuedMessage("second"), QueuedMessage("third"))
    await until(lambda: len(user_texts(workspace, session.id)) == 3 and session.state == "ready")
    assert user_texts(workspace, session.id) == ["first", "second", "third"]
    assert queue.queued(session) == ()
    queue.detach()


async def test_a_refused_queued_send_holds_the_queue_until_the_user_sends_again(
    workspace: Workspace, server_options: ServerOptions
) -> None:
    session = await workspace.open_session("Held")
    outcomes: list[Send] = []

    def refuse_what_follows(send: Send) -> None:
        outcomes.append(send)
        if send.text == "first":  # runs before the queue sends the next one
            server_options.fail_next[:] = [503, 503, 503]

    workspace.sends.subscribe(refuse_what_follows)
    queue = SendQueue(workspace)
    queue.submit(session, "first")
    queue.submit(session, "second")
    await until(lambda: any(s.text == "second" and s.state == "failed" for s in outcomes))
    assert queue.queued(session) == (QueuedMessage("second"),) and queue.held(session)
    assert user_texts(workspace, session.id) == ["first"]

    queue.submit(session, "third")  # the user sends again: the queue goes on, in order
    await until(lambda: len(user_texts(workspace, session.id)) == 3 and session.state == "ready")
    assert user_texts(workspace, session.id) == ["first", "second", "third"]
    assert not queue.held(session)
    queue.detach()


async def test_the_queue_is_kept_with_the_draft_and_read_back(workspace: Workspace, store: Store) -> None:
    session = await workspace.open_session("Kept")
    workspace.draft_changed("half written")
    workspace.drafts.set_queued(session, (QueuedMessage("queued one"), QueuedMessage("queued\ntwo")))
    assert await workspace.save_all(10)
    later = Drafts(lambda _: store)
    assert later.load(session) == "half written"
    assert later.queued(session) == (QueuedMessage("queued one"), QueuedMessage("queued\ntwo"))
    workspace.drafts.set_queued(session, ())
    assert await workspace.save_all(10)
    assert store.draft(session.id) == "half written"  # no queue: the plain draft, as before


def test_a_draft_without_a_queue_is_stored_as_plain_text() -> None:
    assert encode(StoredDraft("just text")) == "just text"
    assert decode("just text") == StoredDraft("just text")
    assert decode("") == StoredDraft()


def test_a_queue_round_trips_with_any_text() -> None:
    queued = tuple(QueuedMessage(text) for text in ("one", "\ud800 lone surrogate", ""))
    draft = StoredDraft('{"tui-app draft":1, "text": "a typed look-alike"}', queued)
    assert decode(encode(draft)) == draft


def test_a_typed_draft_that_looks_like_the_format_stays_text() -> None:
    for typed in ('{"tui-app draft":1,', '{"tui-app draft":1,"text":3,"queued":[]}', '{"tui-app draft":1,"text":"a","queued":[1]}'):
        assert decode(typed) == StoredDraft(typed)


async def test_a_queued_message_with_files_goes_with_them_even_after_a_refusal(
    workspace: Workspace, server_options: ServerOptions
) -> None:
    from tui_app.core.attachments import Attachment

    notes = Attachment("notes.md", "# Notes\n", 8, "notes.md")
    session = await workspace.open_session("Files")
    outcomes: list[Send] = []

    def refuse_what_follows(send: Send) -> None:
        outcomes.append(send)
        if send.text == "first":
            server_options.fail_next[:] = [503, 503, 503]

    workspace.sends.subscribe(refuse_what_follows)
    queue = SendQueue(workspace)
    queue.submit(session, "first")
    assert queue.submit(session, "read this", (notes,)) is True
    assert queue.queued(session) == (QueuedMessage("read this", (notes,)),)
    await until(lambda: any(s.text == "read this" and s.state == "failed" for s in outcomes))
    assert queue.queued(session) == (QueuedMessage("read this", (notes,)),) and queue.held(session)  # back, files and all

    queue.submit(session, "then this")
    await until(lambda: len(user_texts(workspace, session.id)) == 3 and session.state == "ready")
    assert user_texts(workspace, session.id) == ["first", "read this\n\nattached: notes.md (8 B)", "then this"]
    assert session.transcript.messages[3].text.startswith("I received notes.md, 8 bytes.")
    queue.detach()
