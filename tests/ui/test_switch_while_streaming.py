"""Switching while several sessions stream never paints a blank transcript or another session's
usage (issue 15). Every frame the app paints is checked as it goes to the terminal: the
transcript shows messages of one session, and the usage panel and the title name that session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Label, Static

from tests.conftest import connection_to, wait_until
from tests.ui.test_where_you_are import terminal_sends
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.go_to import GoToScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.transcript.transcript_view import MessageView, TranscriptView
from tui_app.ui.widgets.usage_panel import UsagePanel

TITLES = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon")


def painted_messages(screen: Any) -> list[MessageView]:
    """The messages the screen's compositor placed in view: what a frame is drawn from."""
    transcript = screen.query_one(TranscriptView)
    return [w for w in screen._compositor.visible_widgets if isinstance(w, MessageView) and w.parent is transcript]


class FrameWatch:
    """Looks at the main screen each time the app hands a frame to the terminal (Textual's
    `App._display`; a held batch paints nothing, so only painted frames count), as the frame is
    drawn: from the widgets its compositor placed."""

    def __init__(self, app: TuiApp) -> None:
        self.app = app
        self.frames = 0
        self.frames_while_streaming = 0
        self.problems: list[str] = []
        self._display: Callable[..., Any] = app._display
        app._display = self._paint  # type: ignore[method-assign]

    def _paint(self, screen: Any, renderable: Any) -> Any:
        app = self.app
        if renderable is not None and not app._batch_count and app.current is not None:
            self.frames += 1
            self.frames_while_streaming += any(s.state == "streaming" for s in app.sessions.values())
            self._check(app.screen_stack[0])  # the main screen, under the Ctrl+G prompt or not
        return self._display(screen, renderable)

    def _check(self, screen: Any) -> None:
        app = self.app
        owner = {m.id: s for s in app.sessions.values() for m in s.transcript.messages}
        shown = painted_messages(screen)
        sessions = {owner[w.message_id].title for w in shown if w.message_id in owner}
        usage = str(app.query_one(UsagePanel).query_one(".panel-title", Label).render())
        title = str(app.query_one("#session-title", Static).render())
        if not shown:
            self.problems.append(f"frame {self.frames}: blank transcript (title {title!r})")
            return
        if len(sessions) != 1:
            self.problems.append(f"frame {self.frames}: messages of {sorted(sessions)} at once")
            return
        (session,) = sessions
        if usage != f"Usage · {session}":
            self.problems.append(f"frame {self.frames}: transcript of {session}, {usage!r}")
        if not title.startswith(f"{session} ·"):
            self.problems.append(f"frame {self.frames}: transcript of {session}, title {title!r}")


async def test_switching_while_five_sessions_stream_never_paints_a_blank_or_stale_frame() -> None:
    # Slow enough that all five still stream while the test switches among them.
    with EmbeddedServer(ServerOptions(tokens_per_second=4)) as server:
        app = TuiApp(connection_to(server))
        await switch_while_streaming(app)


async def switch_while_streaming(app: TuiApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.workspace.rename(app.current, TITLES[0])  # type: ignore[arg-type]
        for title in TITLES[1:]:
            app.new_session(title)
        await wait_until(pilot, lambda: len(app.sessions) == 5 and all(s.state == "ready" for s in app.sessions.values()))
        for number in range(1, 6):  # all five stream at once
            await pilot.press("ctrl+g", str(number))
            await wait_until(pilot, lambda n=number: app.current is app.workspace.numbered(n))
            composer = app.query_one(Composer)
            composer.insert(f"keep streaming while I switch, number {number}")
            composer.action_send()
        await wait_until(pilot, lambda: all(s.state == "streaming" for s in app.sessions.values()))
        # The last session's first message is painted (a frame or so after it arrives) before
        # the watch begins: what is watched is the switching.
        await wait_until(pilot, lambda: bool(painted_messages(app.screen)))

        watch = FrameWatch(app)
        for number in (1, 3, 5, 2, 4, 1, 5, 3, 2, 4, 1):
            await terminal_sends(app, pilot, "\x07")  # Ctrl+G, then the number: as a terminal sends them
            await wait_until(pilot, lambda: isinstance(app.screen, GoToScreen))
            await terminal_sends(app, pilot, str(number))
            await wait_until(pilot, lambda n=number: app.current is app.workspace.numbered(n) and app.screen is app.screen_stack[0])
            await pilot.pause()
        assert watch.frames_while_streaming > 0
        assert watch.problems == []
