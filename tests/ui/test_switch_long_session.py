"""Switching to a long session holds the event loop only briefly (issue 16): its first paint
mounts what fills the screen, and the page above comes a few messages at a time, each step
painted before the next. Every frame handed to the terminal is counted, as in
test_switch_while_streaming.py; nothing here is timed."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import wait_until
from tests.stored_sessions import two_sessions
from tests.ui.test_transcript_view import Harness, long_transcript, user
from tui_app.backends.connection import Connection
from tui_app.core.transcript import Transcript
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.transcript.message_window import PAGE
from tui_app.ui.widgets.transcript.transcript_view import MessageView, TranscriptView


FEW = 5
"""Messages mounted between two painted frames at most: more holds the loop too long."""


class MountedPerFrame:
    """The number of messages mounted in the transcript at each frame the app paints."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: list[int] = []
        self._display: Callable[..., Any] = app._display
        app._display = self._paint

    def _paint(self, screen: Any, renderable: Any) -> Any:
        if renderable is not None and not self.app._batch_count:
            self.counts.append(len(self.app.query(MessageView)))
        return self._display(screen, renderable)


async def switch_and_watch(size: tuple[int, int]) -> tuple[list[int], int]:
    app = Harness()
    short = Transcript(messages=(user(0, "a short session"),))
    async with app.run_test(size=size) as pilot:
        view = app.query_one(TranscriptView)
        await view.switch_to(short)
        await wait_until(pilot, lambda: view.mounted_messages == 1 and not view.rendering)
        watch = MountedPerFrame(app)
        await view.switch_to(long_transcript(2500))
        await wait_until(pilot, lambda: view.mounted_messages > PAGE and not view._loading_earlier)
        await pilot.pause()
        return watch.counts, view.mounted_messages


async def test_a_switch_paints_what_fills_the_screen_first_and_mounts_the_page_above_in_slices() -> None:
    for size in ((80, 24), (120, 40)):
        counts, mounted = await switch_and_watch(size)
        painted = [count for count in counts if count > 1]  # frames of the long session
        assert painted, f"{size}: no frame of the long session was painted"
        # Its first frame: the messages that fill the screen, not a page of them.
        assert 2 <= painted[0] < PAGE, (size, painted)
        # Then the page above, a slice at a time, each slice painted before the next.
        steps = [after - before for before, after in zip(painted, painted[1:])]
        assert all(0 <= step <= FEW for step in steps), (size, painted)
        assert painted[-1] == mounted == painted[0] + PAGE


async def test_restored_transcripts_are_left_out_of_the_collectors_full_passes(
    connection: Connection, tmp_path: Path
) -> None:
    # A full pass of the cyclic collector over 5,000 restored messages stalled a switch by
    # 80-140 ms; restored data is frozen out of the generations it scans (gc.get_objects lists
    # only those).
    await two_sessions(connection, tmp_path)
    try:
        with Store(tmp_path / "tui-app.db") as store:
            app = TuiApp(connection, store=store)
            async with app.run_test(size=(100, 30)) as pilot:
                await wait_until(pilot, lambda: len(app.sessions) == 2 and app.current is not None)
                messages = [m for s in app.sessions.values() for m in s.transcript.messages]
                assert messages and all(gc.is_tracked(m) for m in messages)
                scanned = {id(o) for o in gc.get_objects()}
                assert not [m.id for m in messages if id(m) in scanned]
    finally:
        gc.unfreeze()  # what this test froze does not outlive it in the test process
