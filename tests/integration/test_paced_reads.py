"""A stream read in batches (a session off screen, `pace_reads`) gives every event the service
sent, in order, as the same stream read frame by frame does, but the updates of a part, or the
usage reports, that a later one in the same read supersedes (each carries the whole text, or
the turn's usage so far): over real HTTP."""

from __future__ import annotations

import asyncio

from tui_app.core.events import DomainEvent, PartUpdated, TurnCompleted, UsageReported
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.session_controller import SessionController
from tests.conftest import connection_to

PAUSE = 0.3
"""Seconds between reads: at 50 tokens a second, a dozen frames wait for each read."""


async def test_a_paced_stream_gives_every_event_in_order(paced_server: EmbeddedServer) -> None:
    backend = connection_to(paced_server).open_backend()
    heard: dict[str, list[DomainEvent]] = {"paced": [], "as it comes": []}
    try:
        def changed(session: SessionController, event: DomainEvent | None) -> None:
            if event is not None:
                heard[session.title].append(event)

        sessions = [SessionController(backend, title=title, on_change=changed) for title in heard]
        for session in sessions:
            await session.open()
        paced, unpaced = (session.remote.id for session in sessions)  # type: ignore[union-attr]
        backend.pace_reads(paced, PAUSE)
        assert (backend.read_pause(paced), backend.read_pause(unpaced)) == (PAUSE, 0.0)
        await asyncio.gather(*(session.send("tell me about batching") for session in sessions))
        backend.pace_reads(paced, 0.0)
        assert backend.read_pause(paced) == 0.0
    finally:
        await backend.aclose()
    for session in sessions:
        events = heard[session.title]
        assert isinstance(events[-1], TurnCompleted) and events[-1].outcome == "completed"
        record = paced_server.registry.chats[session.remote.id]  # type: ignore[union-attr]
        assert session.transcript.messages[1].text == record.turns[0].reply_text
    parts = {title: sum(isinstance(event, PartUpdated) for event in events) for title, events in heard.items()}
    assert parts["as it comes"] > 50  # a frame per token, each applied
    # Read in batches, a run of updates of one part is applied once (each carries the whole text).
    assert 0 < parts["paced"] < parts["as it comes"] / 3
    # The demo agent answers the same message alike: every other event, in the same order, but
    # the usage reports the next one in the same read supersedes (each is the turn's usage so far).
    others = {title: [type(e) for e in events if not isinstance(e, PartUpdated | UsageReported)] for title, events in heard.items()}
    assert others["paced"] == others["as it comes"]
    usage = {title: [e.usage for e in events if isinstance(e, UsageReported)] for title, events in heard.items()}
    assert 0 < len(usage["paced"]) <= len(usage["as it comes"])
    assert usage["paced"][-1].output_tokens == usage["as it comes"][-1].output_tokens
