"""What the app has imported once one turn has ended, in a process of its own (a module imported
once stays in `sys.modules`, so only a fresh process can tell):

    python -m tests.reply_imports

The real `TuiApp`, headless, against the embedded server in this process; one message sent, its
reply followed to the turn's end; then the names in `sys.modules`, one a line.
"""

from __future__ import annotations

import asyncio
import sys

from tests.conftest import connection_to
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer


async def modules_after_a_turn() -> list[str]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server:
        app = TuiApp(connection_to(server))
        async with app.run_test(size=(100, 30)) as pilot:
            while app.current is None or app.current.state != "ready":
                await pilot.pause(0.02)
            composer = app.query_one(Composer)
            composer.insert("hello")
            composer.action_send()
            while app.current.state != "ready" or len(app.current.transcript.turns) != 1:
                await pilot.pause(0.02)
            await pilot.pause(0.3)  # the turn's end handled: the files checked, the last frame drawn
            return sorted(sys.modules)


if __name__ == "__main__":
    print("\n".join(asyncio.run(modules_after_a_turn())))
