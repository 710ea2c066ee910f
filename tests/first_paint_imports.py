"""What a start of `tui-app` has imported when its first screen is painted, in a process of its
own (a module imported once stays in `sys.modules`, so only a fresh process can tell):

    python -m tests.first_paint_imports DATA_DIR [BACKEND]

(`local` unless BACKEND is given; the settings file is `TUI_APP_CONFIG`'s, as for the app.) It goes the CLI's way (`cli/main.py` parses the arguments, reads the settings, chooses the
backend; `cli/app_runner.py` opens the store and builds the app with a provisional connection)
and runs the app headless. The app asks for its live connection once its first screen is
written (`ui/flows/first_paint.py`): that call notes `sys.modules`, and the names are printed
one a line.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import sys
import threading
from pathlib import Path


def modules_at_first_paint(data_dir: Path, backend_name: str = "local") -> list[str]:
    cli = importlib.import_module("tui_app.cli.main")  # (`tui_app.cli.main` is also a function's name)

    args = cli.build_parser().parse_args(["--backend", backend_name, "--data-dir", str(data_dir)])
    loaded = cli.load_settings()
    settings = loaded.settings
    backend = cli.choose_backend(args.backend, configured=settings.backend, stored=lambda _: None)
    cli.stream_limits(settings)

    from tui_app.backends.connection import Connection
    from tui_app.persistence.store_access import open_store
    from tui_app.ui.app import TuiApp
    from tui_app.ui.remembered import Remembered
    from tui_app.workspace.connecting import Connecting, provisional

    seen: list[str] = []
    asked, leaving = threading.Event(), threading.Event()

    def live() -> Connection:
        seen.extend(sorted(sys.modules))
        asked.set()
        leaving.wait(60)
        return provisional(backend)  # (the app is ending: nothing is asked of it)

    from tui_app.backends import registry
    from tui_app.cli.connect import connect

    # As `cli/app_runner.py` builds it: a remote backend's connection is known before the first paint.
    opened = contextlib.ExitStack()
    first = provisional(backend) if registry.spec(backend).embedded else opened.enter_context(connect(backend, None, stored=lambda _: None))
    store = open_store(data_dir)
    app = TuiApp(first, store=store, settings=loaded, remembered=Remembered.load(data_dir), connecting=Connecting(live))

    async def run() -> None:
        async with app.run_test(size=(100, 40)) as pilot:
            while not asked.is_set():
                await pilot.pause(0.02)
        leaving.set()  # (the app has ended: the thread's answer goes nowhere)

    try:
        asyncio.run(run())
    finally:
        store.close()
        opened.close()
    return seen


if __name__ == "__main__":
    print("\n".join(modules_at_first_paint(Path(sys.argv[1]), *sys.argv[2:3])))
