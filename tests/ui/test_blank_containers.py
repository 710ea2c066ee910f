"""The containers behind the transcript keep no lines of their own (`widgets/blank_containers.py`,
issue 16: the peak RSS). Textual draws every widget on screen, containers too, and keeps each
line as a `Strip` in the widget's styles cache with every piece it was cut into at the edges of
the widgets above it: the main screen, the main row, the chat column and the transcript held
about 2,000 strips after one reply. Drawn BLANK, they hold none, and look the same (the snapshot
tests: only the SVGs' ids changed, which hash the segments)."""

from __future__ import annotations

from textual.strip import Strip
from textual.widget import Widget

from tests.conftest import wait_until
from tests.ui.test_app_pilot import send, turn_done
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView


def kept_lines(widget: Widget) -> int:
    """Strips kept for `widget`'s lines: those of its styles cache and every piece cut from them."""
    todo: list[Strip] = list(widget._styles_cache._cache.values())
    seen: set[int] = set()
    while todo:
        strip = todo.pop()
        if id(strip) in seen:
            continue
        seen.add(id(strip))
        for pieces in strip._divide_cache._cache.values():
            todo.extend(pieces)
        todo.extend(strip._crop_cache._cache.values())
    return len(seen)


async def test_the_screen_and_the_containers_behind_a_reply_keep_no_lines(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await send(app, pilot, "hello there")
        await wait_until(pilot, lambda: turn_done(app, 1))
        await pilot.pause()
        behind = [app.screen, app.query_one("#main"), app.query_one("#chat"), app.query_one(TranscriptView)]
        assert {type(widget).__name__: kept_lines(widget) for widget in behind} == {
            "BlankScreen": 0, "MainRow": 0, "BlankVertical": 0, "TranscriptView": 0,
        }  # fmt: skip
        # (What still keeps lines: the widgets that draw something, such as the side column.)
        assert kept_lines(app.query_one("#side")) > 0
