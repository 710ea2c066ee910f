"""The compact usage panel (80x24) keeps its height through a turn and from one turn to the
next: a turn waiting for its usage shows its tokens line with "…". The line came only with the
turn's first usage report, so the panel grew by a line once a turn, which moved the transcript
and laid out the whole screen (as the full panel's turn box did before `update_quietly`)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import connection_to
from tests.ui.test_audit_log import ready
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tui_app.ui.widgets.usage_panel import UsagePanel


async def heights_through_a_turn(app: TuiApp, pilot: Pilot[None], text: str) -> list[tuple[int, int, str]]:
    """The panel's and the compact box's heights, with what the box says, at many moments from
    the send to the turn's end drawn."""
    session = app.current
    assert session is not None
    turns = len(session.transcript.turns)
    panel, box = app.query_one(UsagePanel), app.query_one("#usage-compact", Static)
    composer = app.query_one(Composer)
    composer.insert(text)
    composer.action_send()
    seen: list[tuple[int, int, str]] = []
    for _ in range(3000):
        await pilot.pause(0.01)
        seen.append((panel.size.height, box.size.height, str(box.render())))
        last = session.transcript.last_turn
        if len(session.transcript.turns) > turns and last is not None and last.state == "completed":
            if session.state == "ready" and not app.query_one(TranscriptView).rendering and "final" in seen[-1][2]:
                break
    await pilot.pause()
    seen.append((panel.size.height, box.size.height, str(box.render())))
    return seen


async def test_the_compact_panel_keeps_its_height_through_a_streamed_turn() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=120, usage_every_tokens=2)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            panel, box = app.query_one(UsagePanel), app.query_one("#usage-compact", Static)
            before = (panel.size.height, box.size.height)
            assert "none yet" in str(box.render())
            first = await heights_through_a_turn(app, pilot, "hello there")
            assert any("live" in text for _, _, text in first) and "final" in first[-1][2]
            assert {(panel, box) for panel, box, _ in first} == {before}, [s for s in first if s[:2] != before][:2]

            second = await heights_through_a_turn(app, pilot, "and again, a little longer this time")
            assert any("live" in text for _, _, text in second) and "final" in second[-1][2]
            assert {(panel, box) for panel, box, _ in second} == {before}, [s for s in second if s[:2] != before][:2]
