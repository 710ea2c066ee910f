"""Every view of a turn's cost on screen shows the same figure at every moment of a stream: the
message header beside the usage panel. The panel is redrawn with the side column twice a second
(`SIDE_INTERVAL`), and the header followed each usage report, so the two could disagree for half
a second at a time while a reply streamed."""

from __future__ import annotations

from textual.widgets import Static

from tests.conftest import connection_to, wait_until
from tests.ui.test_audit_log import ready
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.message_view import MessageView


def header_figure(app: TuiApp) -> str | None:
    """The cost in the last message's header, or None when it shows none (or is the user's)."""
    views = app.query(MessageView)
    if not views:
        return None
    headers = views.last().query(".message-header")
    if not headers:
        return None  # (mounted, not composed yet)
    header = str(headers.first(Static).render())
    if header.startswith("You"):
        return None
    last = header.split(" · ")[-1]
    return last if "$" in last or "unknown" in last else None


def panel_figure(app: TuiApp, box_id: str, label: str) -> str | None:
    """The turn's cost in the usage panel (the full form's `cost` line, the compact form's `turn`
    line, whose state word follows the figure), None while it is "…"."""
    lines = str(app.query_one(box_id, Static).render()).split("\n")
    line = next((line for line in lines if line.startswith(label)), None)
    if line is None:
        return None
    figure = line[len(label):].strip().split(" ")[0] if label == "turn" else line[len(label):].strip()
    return None if figure == "…" else figure


async def test_the_header_and_the_usage_panel_show_one_figure_while_a_reply_streams() -> None:
    with EmbeddedServer(ServerOptions(tokens_per_second=80, usage_every_tokens=2)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            session = app.current
            assert session is not None
            composer = app.query_one(Composer)
            composer.insert("a question long enough for a reply of many tokens " * 3)
            composer.action_send()
            await wait_until(pilot, lambda: session.state != "ready")
            seen: list[tuple[str | None, str | None, str | None]] = []
            for _ in range(2000):
                await pilot.pause(0.01)
                seen.append((header_figure(app), panel_figure(app, "#usage-turn", "cost"), panel_figure(app, "#usage-compact", "turn")))
                if session.state == "ready" and not app.query_one("TranscriptView").rendering:  # type: ignore[attr-defined]
                    break
            await pilot.pause()
            seen.append((header_figure(app), panel_figure(app, "#usage-turn", "cost"), panel_figure(app, "#usage-compact", "turn")))
            figures = {header for header, _, _ in seen if header is not None}
            assert len(figures) >= 3  # the cost moved several times while the reply streamed (ticks 0.5 s apart)
            differing = [sample for sample in seen if len(set(sample)) > 1]
            assert differing == [], f"{len(differing)} of {len(seen)} moments disagree, e.g. {differing[:3]}"
            assert seen[-1][0] is not None
