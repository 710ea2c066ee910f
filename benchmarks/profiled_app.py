"""`python -m tui_app` under cProfile, for a benchmark that wants to know where the app's time goes.

    TUI_APP_PROFILE=/path/out.prof python -m benchmarks.profiled_app [tui_app arguments]

The profiler runs only between SIGUSR1 (start) and SIGUSR2 (stop and write the stats to the path
in `TUI_APP_PROFILE`), so a benchmark profiles its measured window, not the start. Only the main
thread (the event loop) is profiled; the store's writer thread is not.
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
from types import FrameType

PROFILE_ENV = "TUI_APP_PROFILE"


def main() -> None:
    path = os.environ[PROFILE_ENV]
    profiler = cProfile.Profile()

    def start(_signal: int, _frame: FrameType | None) -> None:
        profiler.enable()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from tui_app.cli.main import main as app_main

    raise SystemExit(app_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
