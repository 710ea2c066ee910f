"""The side column follows a stream on screen at its own pace: the usage panel's counts and the
row's figures are redrawn every `SIDE_INTERVAL`, not with every usage report, while a turn's
start and end show at once. A frame that changes the side column beside the transcript makes
Textual draw every widget on the screen (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from tests.conftest import connection_to, wait_until
from tests.ui.test_audit_log import ready
from tui_app.core.events import UsageReported
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.flows import session_view
from tui_app.ui.widgets.session_sidebar import RowText, SessionItem


async def test_usage_reports_on_screen_wait_for_the_side_columns_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_view, "SIDE_INTERVAL", 600.0)  # none within the test
    with EmbeddedServer(ServerOptions(tokens_per_second=150, usage_every_tokens=2)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            session = app.current
            assert session is not None
            box = app.query_one("#usage-turn", Static)
            row = app.query_one(f"#session-{session.id}", SessionItem).query_one(RowText)
            drawn: list[str] = []
            refresh = box.refresh

            def counted(*regions: Any, **options: Any) -> Any:
                drawn.append(str(box.render()))
                return refresh(*regions, **options)

            box.refresh = counted  # type: ignore[method-assign]
            reports: list[UsageReported] = []
            others: list[object] = []  # what shows at once: a state, a new part, a message's end

            def seen(change: Any) -> None:
                if isinstance(change.event, UsageReported):
                    reports.append(change.event)
                elif not isinstance(change.event, session_view.PER_TOKEN):
                    others.append(change.event)

            app.workspace.changes.subscribe(seen)
            repaints = row.repaints

            await app.workspace.send(session, "a question long enough for a reply of many tokens " * 3)
            await wait_until(pilot, lambda: session.state == "ready" and "final" in str(box.render()))

            assert len(reports) > 20  # a report every other token
            shown = [text for i, text in enumerate(drawn) if i == 0 or drawn[i - 1] != text]
            # Drawn when the turn started (waiting for its usage) and at its end, and at most once
            # more for each change that shows at once (a message's end may come in a frame of its
            # own, after some reports: then "live" is drawn once): never once per report.
            assert len(reports) > 6 * (2 + len(others))
            assert len(shown) <= 2 + len(others), shown
            assert sum("live" in text for text in shown) <= len(others), shown
            assert row.repaints - repaints <= 2 + len(others)
