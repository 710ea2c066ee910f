"""Regenerate screenshots/ from the real app talking to the embedded server.

    python scripts/screenshots.py

Writes SVGs (and PNGs when `rsvg-convert` is installed: apt-get install librsvg2-bin).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from tui_app.settings.backend_choice import ApiKey
from tui_app.backends.connection import Connection
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from textual.widgets import RadioButton, SelectionList

from tui_app.ui.screens.cockpit import CockpitScreen
from tui_app.ui.screens.inbox import InboxScreen
from tui_app.ui.screens.files_screen import FilesScreen
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.screens.usage_screen import UsageScreen
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.queued_messages import QueuedMessages
from tui_app.ui.widgets.transcript.interactive_markdown import InteractiveMarkdown

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (110, 34)


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise TimeoutError("the app did not reach the expected state")


def save(app: TuiApp, name: str) -> None:
    svg = Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))
    print(f"wrote {svg.relative_to(OUT.parent)}")
    if shutil.which("rsvg-convert"):
        png = svg.with_suffix(".png")
        subprocess.run(["rsvg-convert", "-w", "1400", str(svg), "-o", str(png)], check=True)
        print(f"wrote {png.relative_to(OUT.parent)}")


async def drag_across(pilot: Pilot[None], first: str, last: str) -> None:
    """A mouse drag in the last reply, from the start of its line holding `first` to the end of
    the one holding `last`."""
    reply = pilot.app.query(InteractiveMarkdown).last()
    lines = [reply.render_line(y).text.rstrip() for y in range(reply.content_size.height)]
    top = next(y for y, line in enumerate(lines) if first in line)
    bottom = next(y for y, line in enumerate(lines) if last in line)
    await pilot.mouse_down(reply, offset=(lines[top].index(first), top))
    await pilot.hover(reply, offset=(lines[top].index(first) + 1, top))
    await pilot.hover(reply, offset=(len(lines[bottom]), bottom))
    await pilot.mouse_up(reply, offset=(len(lines[bottom]), bottom))


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with EmbeddedServer(ServerOptions(tokens_per_second=40)) as server:
        app = TuiApp(Connection("local", server.base_url, ApiKey(server.api_key)))
        async with app.run_test(size=SIZE) as pilot:
            composer = app.query_one(Composer)
            composer.cursor_blink = False
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            composer.insert("Show me what you can do")
            composer.action_send()
            # Mid-stream: the list has begun, the cost is live and growing.
            await wait_until(pilot, lambda: "- the turn" in "".join(m.text for m in app.current.transcript.messages))
            await pilot.pause(0.1)
            save(app, "mid-stream")
            await wait_until(pilot, lambda: app.current.state == "ready")
            await pilot.pause(0.3)
            save(app, "after-reply")
            # A mouse selection across the reply, Markdown and code (Ctrl+C copies it).
            await drag_across(pilot, "Here is what", "return message")
            await pilot.pause(0.2)
            save(app, "selection")
            app.screen.clear_selection()
            # A question from the agent, mid-turn.
            composer.insert("Before you answer, quiz me")
            composer.action_send()
            await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog) and app.screen.armed)
            await pilot.click(RadioButton)
            app.screen.query_one(SelectionList).select("Cost")
            await pilot.pause(0.3)
            save(app, "question-dialog")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.current.state == "ready")
            # Three sessions, the one on screen after a tool call; then its audit log.
            for text in ("Hello from a second session", "Think, then use a tool"):
                await pilot.press("ctrl+n", "enter")
                await wait_until(pilot, lambda: app.current.state == "ready" and not app.current.transcript.turns)
                composer.insert(text)
                composer.action_send()
                await wait_until(pilot, lambda: app.current.state == "ready" and app.current.transcript.turns)
            await pilot.pause(0.3)
            save(app, "three-sessions")
            await pilot.press("ctrl+l")
            await pilot.pause(0.5)
            save(app, "audit-log")
            # The session's files (F12) after a turn that wrote one.
            await pilot.press("escape")
            composer.insert("Please make a file")
            composer.action_send()
            await wait_until(pilot, lambda: app.current.state == "ready" and len(app.current.transcript.turns) == 2)
            await pilot.press("f12")
            await wait_until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.files)
            await pilot.pause(0.3)
            save(app, "files")
            await pilot.press("escape")
            # The cockpit (F7): every session's figures, the chart of spend over time.
            await pilot.press("f7")
            await wait_until(pilot, lambda: isinstance(app.screen, CockpitScreen))
            await pilot.pause(0.6)
            save(app, "cockpit")
            await pilot.press("escape")
            # The inbox (F6): two sessions in the background wait on a question.
            for session in app.workspace.order[:2]:
                app.workspace.start_send(session, "ask me")
                await wait_until(pilot, lambda: session.state == "asking")
            await pilot.press("f6")
            await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen) and len(app.screen.shown) == 2)
            app.clear_notifications()
            await pilot.pause(0.3)
            save(app, "inbox")
            await pilot.press("escape")
            # The usage report (F10): spending by day, live.
            await pilot.press("f10")
            await wait_until(pilot, lambda: isinstance(app.screen, UsageScreen))
            await pilot.pause(0.6)
            save(app, "usage")
            # The session ended: its audit log sets the service's final cost beside the ledger's.
            await pilot.press("escape", "ctrl+t", "y")
            await wait_until(pilot, lambda: app.current.state == "ended")
            await pilot.press("ctrl+l")
            await pilot.pause(0.5)
            save(app, "session-ended")
            await pilot.press("escape")
            # Attaching local files: one chip, and the choices for the path being typed.
            with tempfile.TemporaryDirectory() as folder:
                os.chdir(folder)
                Path("notes.md").write_text("# Notes\n", encoding="utf-8")
                Path("docs").mkdir()
                for name in ("design.md", "plan.txt"):
                    (Path("docs") / name).write_text("draft\n", encoding="utf-8")
                await pilot.press("ctrl+n", "enter")
                await wait_until(pilot, lambda: app.current.state == "ready" and not app.current.transcript.turns)
                composer.insert("@no")
                await wait_until(pilot, lambda: bool(composer.path_choices.choices))
                await pilot.press("tab")
                composer.insert("Compare the notes with @docs/")
                await wait_until(pilot, lambda: len(composer.path_choices.choices) == 2)
                await pilot.pause(0.3)
                save(app, "attachments")
                # A message with a file written while the agent replies: queued with its file.
                composer.clear()
                composer.show_attachments([], told=True)
                composer.insert("Show me what you can do")
                composer.action_send()
                await wait_until(pilot, lambda: app.current.state == "streaming")
                composer.insert("@no")
                await wait_until(pilot, lambda: bool(composer.path_choices.choices))
                await pilot.press("tab")
                composer.insert("Then summarise these notes")
                composer.action_send()
                await wait_until(pilot, lambda: app.query_one(QueuedMessages).display)
                await pilot.pause(0.3)
                save(app, "queued-attachment")


if __name__ == "__main__":
    asyncio.run(main())
