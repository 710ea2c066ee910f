"""Run `tui_app` under a profiler and write its profile when the process is told to stop.

    python -m benchmarks.profiled OUT [tui-app arguments...]

`pty_stream` runs the app this way when `PTY_STREAM_PROFILE` names a file: the profile of the
app while one reply streams in a real pty (SIGTERM ends the app, so the profile is written then).
OUT ending in `.prof` gets cProfile's stats (read them with `python -m pstats`); any other name
gets pyinstrument's call tree as text, and as HTML beside it.
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
from pathlib import Path
from types import FrameType


def main() -> None:
    out = Path(sys.argv[1])
    if out.suffix == ".prof":
        profile = cProfile.Profile()
        start, finish = profile.enable, lambda: (profile.disable(), profile.dump_stats(out))
    else:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)

        def write() -> None:
            profiler.stop()
            out.write_text(profiler.output_text(unicode=True, show_all=True))
            out.with_suffix(".html").write_text(profiler.output_html())

        start, finish = profiler.start, write

    def stop(_signum: int, _frame: FrameType | None) -> None:
        finish()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    sys.argv = ["tui-app", *sys.argv[2:]]
    from tui_app.cli.main import main as app_main

    start()
    app_main()


if __name__ == "__main__":
    main()
