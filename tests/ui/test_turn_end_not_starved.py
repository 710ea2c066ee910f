"""A turn's end, held until the reply's last frame is on screen, is drawn right after that frame
even when the transcript is rendering again by then (the next turn's first tokens: a queued
message goes as soon as a turn ends, and a fast stream makes a frame due at nearly every
moment). Each time it was let through it asked the transcript whether a frame was being made,
and waited for that one too: the footer's keys, the usage panel and the row stayed as they
were for as long as frames kept coming."""

from __future__ import annotations

from textual.screen import Screen

from tests.conftest import connection_to, wait_until
from tests.ui.test_audit_log import ready
from tui_app.core.events import TurnCompleted
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tui_app.workspace.changes import SessionChange

ROUNDS = 12
"""Frames after the turn's end during which the transcript is made to render again."""


async def test_the_footer_follows_a_turns_end_one_frame_later_while_frames_keep_coming() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=400)) as server:
        app = TuiApp(connection_to(server))
        rounds: list[int] = []  # frames made since the turn ended, as each frame goes on screen
        seen: list[tuple[str, int]] = []  # (the session's state, rounds so far) at each refresh of the keys

        def keep_rendering() -> None:
            # After each frame: another one due at once, as a fast next turn's tokens make it.
            transcript = app.query_one(TranscriptView)
            rounds.append(len(rounds) + 1)
            if len(rounds) < ROUNDS and app.current is not None:
                transcript.pacer.after_frame(keep_rendering)
                transcript.show(app.current.transcript)

        def on_change(change: SessionChange) -> None:
            # Subscribed before the app's own views: this waits for the turn's last frame first.
            if isinstance(change.event, TurnCompleted) and change.session is app.current and app.is_running:
                app.query_one(TranscriptView).pacer.after_frame(keep_rendering)

        app.workspace.changes.subscribe(on_change)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            session = app.current
            assert session is not None

            def keys_refreshed(_screen: Screen[object]) -> None:
                seen.append((session.state, len(rounds)))

            app.screen.bindings_updated_signal.subscribe(app.screen, keys_refreshed, immediate=True)
            await app.workspace.send(session, "a question long enough for a reply of some tokens")
            await wait_until(pilot, lambda: len(rounds) >= ROUNDS and not app.query_one(TranscriptView).rendering)
            await pilot.pause()

        ended = [made for state, made in seen if state == "ready"]
        assert ended, seen  # the turn's end refreshed the keys
        assert ended[0] <= 2, seen  # within a frame or two of its last frame, not once frames stopped
