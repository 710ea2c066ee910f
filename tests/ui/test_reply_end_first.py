"""A turn's end shows the reply's last frame first; what else it changes follows it.

The footer's keys ("Cancel turn" goes), the usage panel and the session's row change at a turn's
end too, and each costs a layout of the screen. Drawn in the same update as the reply's last
frame, they held the end of the reply back by two or three frames: measured from outside the
process (`benchmarks/pty_stream.py`, `end_on_screen_s`), 0.04-0.10 s after the last token
against 0.02-0.05 s once they wait for the frame (issue 16: at most one frame)."""

from __future__ import annotations

from textual.screen import Screen

from tests.conftest import connection_to, wait_until
from tests.ui.test_audit_log import ready
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.transcript.frame_pacer import FramePacer
from tui_app.ui.widgets.transcript.message_view import MessageView
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView


async def test_the_footer_changes_at_a_turns_end_only_after_the_replys_last_frame() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=400)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            session = app.current
            assert session is not None
            transcript = app.query_one(TranscriptView)
            seen: list[tuple[str, bool]] = []  # (the session's state, its last message drawn as it is)

            def bindings_refreshed(_screen: Screen[object]) -> None:
                views = transcript.query(MessageView)
                made = bool(views) and views.last().message is session.transcript.messages[-1]
                seen.append((session.state, made))

            app.screen.bindings_updated_signal.subscribe(app.screen, bindings_refreshed, immediate=True)
            for _ in range(2):
                await app.workspace.send(session, "a question long enough for a reply of some tokens")
                await wait_until(pilot, lambda: session.state == "ready" and not transcript.rendering)
                await pilot.pause()

            ended = [made for state, made in seen if state == "ready"]
            assert len(ended) >= 2, seen  # each turn's end refreshed the keys
            assert all(ended), seen


def test_what_waits_for_a_frame_runs_once_after_the_screens_next_refresh() -> None:
    pacer = FramePacer(lambda: 30.0)
    ran: list[str] = []
    scheduled: list[object] = []
    first, second = (lambda: ran.append("first")), (lambda: ran.append("second"))
    pacer.after_frame(first)
    pacer.after_frame(second)
    pacer.after_frame(first)  # asked twice in one frame (a message's end, then the turn's): once
    assert scheduled == [] and ran == []
    pacer.frame_made(scheduled.append)
    assert scheduled == [first, second]
    pacer.frame_made(scheduled.append)  # the next frame has nothing waiting
    assert scheduled == [first, second]
