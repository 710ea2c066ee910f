"""The usage panel keeps its height from one turn of a session to the next: a turn waiting for
its usage shows the lines the last one had, with "…". Its height changing twice a turn laid out
the whole screen, and the session list above it, a line shorter or taller, could gain or lose
its scrollbar, which redraws every row (issue 16: ten sessions streaming)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from tests.conftest import connection_to, wait_until
from tests.ui.test_audit_log import ready, send_and_finish
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp


async def test_the_turn_box_keeps_its_lines_from_one_turn_to_the_next() -> None:
    # Usage only with the turn's end: each turn is drawn waiting for it first (its start is
    # shown at once), then final.
    with EmbeddedServer(ServerOptions(tokens_per_second=0, usage_every_tokens=1_000_000)) as server:
        await turn_box_kept(TuiApp(connection_to(server)))


async def turn_box_kept(app: TuiApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        session = app.current
        assert session is not None
        await send_and_finish(app, pilot, "hello")
        box = app.query_one("#usage-turn", Static)
        await wait_until(pilot, lambda: "final" in str(box.render()))
        lines = str(box.render()).count("\n")
        assert "entries" in str(box.render())  # (the demo agent's usage has entries: a line more)

        asked: list[tuple[bool, str]] = []
        refresh = box.refresh

        def counted(*regions: Any, **options: Any) -> Any:
            asked.append((bool(options.get("layout")), str(box.render())))
            return refresh(*regions, **options)

        box.refresh = counted  # type: ignore[method-assign]
        await send_and_finish(app, pilot, "hello again")
        await wait_until(pilot, lambda: "final" in str(box.render()))

        shown = [text for _, text in asked]
        assert any("waiting" in text for text in shown)  # the turn was drawn before its usage came
        assert all(text.count("\n") == lines for text in shown)
        assert not any(layout for layout, _ in asked)  # redrawn, never laid out
