"""The row of the session on screen is repainted when it reads differently, not per frame: a
repaint there, far from the transcript's changed line, made Textual repaint the box around both,
nearly the whole screen, at each streamed frame (issue 16)."""

from __future__ import annotations

from textual.content import Content

from tests.conftest import connection_to, wait_until
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem


async def test_the_row_of_a_session_streaming_on_screen_is_painted_when_it_changes_only() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=100)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            session = app.current
            assert session is not None
            row = app.query_one(f"#session-{session.id}", SessionItem).query_one(RowText)
            painted: list[str] = []
            render = row.render

            def recording() -> Content:  # what each paint of the row drew
                content = render()
                painted.append(content.plain)
                return content

            row.render = recording  # type: ignore[method-assign]
            await app.workspace.send(session, "a long question to get a long reply " * 5)
            await wait_until(pilot, lambda: session.state == "ready" and session.transcript.messages[-1].completed)
            await pilot.pause()

            repeats = sum(1 for before, after in zip(painted, painted[1:]) if before == after)
            assert len(painted) >= 2, "the row shows the turn's states"
            assert repeats <= 2, f"{repeats} of {len(painted)} paints drew the same row again"
