"""A session off screen tells its streamed tokens once a tick, not per token (change_batching.py):
every event is still applied and stored, the changes that are told keep their order, and every
change that is not a token (a turn's start and end, a message's) is told. On screen, or with no
app pacing the sessions (`tui-app ask`), every token is told."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tests.unit.workspace_fixtures import own_server, store, workspace  # noqa: F401  (fixtures)
from tui_app.core.events import DomainEvent, PartUpdated, TurnCompleted, UsageReported
from tui_app.persistence.store import Store
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.read_pacing import OFF_SCREEN_PAUSE, ReadPacing
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace

QUESTION = "a long question to get a long reply " * 5


@pytest.fixture
def server_options() -> ServerOptions:
    # A usage report with every token: a change per token to tell.
    return ServerOptions(tokens_per_second=0, usage_every_tokens=1)


PER_TOKEN = (PartUpdated, UsageReported)


def shape(event: DomainEvent) -> object:
    """What an event is, as the store keeps it (a part's delta, not its whole text so far)."""
    return ("part", event.part_id, event.delta) if isinstance(event, PartUpdated) else event


def in_order_within(told: Sequence[DomainEvent], applied: Sequence[DomainEvent]) -> bool:
    """Whether `told` is `applied` with some events left out, none moved."""
    remaining = iter(map(shape, applied))
    return all(any(shape(event) == other for other in remaining) for event in told)


def heard_of(workspace: Workspace, session: SessionController) -> list[DomainEvent]:
    heard: list[DomainEvent] = []
    workspace.changes.subscribe(lambda change: heard.append(change.event) if change.session is session and change.event else None)
    return heard


def stored_events(store: Store, session: SessionController) -> list[DomainEvent]:
    session.flush()
    assert store.flush(timeout=10)
    return store.load_events(session.id)


async def test_a_session_off_screen_tells_its_tokens_once_a_tick_and_every_other_change(
    workspace: Workspace, store: Store, own_server: EmbeddedServer
) -> None:
    away = await workspace.open_session("Away")
    shown = await workspace.open_session("Shown")  # (on screen now)
    # Batched as the app's read pacing starts it, but read as it comes: a paced read applies only
    # the last of the updates and usage reports it brings (superseded_parts.py), and what is
    # tested here is how the news of every applied one is told.
    workspace.batching.start(OFF_SCREEN_PAUSE, lambda session: session is not workspace.current, lambda session: True)
    heard = heard_of(workspace, away)
    try:
        await workspace.send(away, QUESTION)
    finally:
        workspace.batching.stop()
    applied = stored_events(store, away)
    tokens = sum(isinstance(event, PER_TOKEN) for event in applied)
    told = sum(isinstance(event, PER_TOKEN) for event in heard)
    assert tokens > 50  # an event per token, each applied and stored
    assert 0 < told < tokens / 4
    assert in_order_within(heard, applied)
    assert [e for e in heard if not isinstance(e, PER_TOKEN)] == [e for e in applied if not isinstance(e, PER_TOKEN)]
    assert isinstance(heard[-1], TurnCompleted)
    assert away.remote is not None and shown is workspace.current
    assert away.transcript.messages[-1].text == own_server.registry.chats[away.remote.id].turns[0].reply_text
    assert workspace.unread == {away.id}


async def test_on_screen_or_without_pacing_every_token_is_told(workspace: Workspace, store: Store) -> None:
    alone = await workspace.open_session("Alone")
    heard = heard_of(workspace, alone)
    await workspace.send(alone, QUESTION)  # no pacing at all: `tui-app ask`
    pacing = ReadPacing(workspace)
    try:
        await workspace.send(alone, QUESTION)  # paced, but on screen
    finally:
        pacing.detach()
    applied = stored_events(store, alone)
    tokens = sum(isinstance(event, PER_TOKEN) for event in applied)
    assert tokens > 100
    assert list(map(shape, heard)) == list(map(shape, applied))
    assert sum(isinstance(event, PER_TOKEN) for event in heard) == tokens
