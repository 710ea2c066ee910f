"""A session streaming off screen is data: its row is redrawn a few times a second, not per
token, while its state and new-output mark still show at once (row_pacing.py)."""

from __future__ import annotations

from tests.conftest import connection_to, wait_until
from tui_app.core.cost import format_cost, summarize
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem
from tui_app.workspace.changes import SessionChange


def row_text(app: TuiApp, session_id: str) -> str:
    item = app.query_one(f"#session-{session_id}", SessionItem)
    return str(item.query_one(RowText).render())


async def test_a_reply_streamed_off_screen_redraws_its_row_a_few_times_not_per_token() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            on_screen = app.current
            assert on_screen is not None
            away = app.workspace.new_session("Away")
            await wait_until(pilot, lambda: away.state == "ready")
            await app._view.switch(on_screen)
            await pilot.pause()
            changes: list[SessionChange] = []
            app.workspace.changes.subscribe(lambda change: changes.append(change) if change.session is away else None)
            pacing = app._view._pacing
            handed_on = pacing.handed_on

            await app.workspace.send(away, "a long question to get a long reply " * 5)
            cost = format_cost(summarize(away.book.ledger).session(away.id, "micros").cost)
            # The row still ends up saying what the session cost, and that it has news.
            await wait_until(pilot, lambda: cost in row_text(app, away.id) and "new" in row_text(app, away.id))

            tokens = away.transcript.output_tokens
            assert tokens > 50  # a long reply: an event per token on the wire
            # Its news is published a few times a second (change_batching.py), not per token.
            assert len(changes) < tokens / 4
            # Handed on at once: the first new-output mark; the round of its state (sending,
            # streaming, ready), every token and usage report waited for the next redraw.
            assert pacing.handed_on - handed_on <= 2
