"""`python -m tui_app` under cProfile, for a benchmark that wants to know where the app's time goes.

    TUI_APP_PROFILE=/path/out.prof python -m benchmarks.profiled_app [tui_app arguments]

The profiler runs only between SIGUSR1 (start) and SIGUSR2 (stop and write the stats to the path
in `TUI_APP_PROFILE`), so a benchmark profiles its measured window, not the start. Only the main
thread (the event loop) is profiled; the store's writer thread is not.

Beside the stats, `<path>.widgets.json` counts, over the same window, each widget class's
repaints (`render_lines`: what the compositor drew of it) and the refreshes asked of it, with a
layout or not, and where each request to redo the footer's keys (`refresh_bindings`) came from:
which widget is redrawn how often, and who asks for it (a profile tells how long, not which).
"""

from __future__ import annotations

import cProfile
import json
import os
import signal
import sys
from collections import Counter
from types import FrameType
from typing import Any

PROFILE_ENV = "TUI_APP_PROFILE"


class WidgetCounts:
    """Counts of repaints and refreshes per widget class while `on` (Textual's public methods,
    wrapped: the app's own code is not touched)."""

    def __init__(self) -> None:
        self.on = False
        self.counts: Counter[str] = Counter()

    def install(self) -> None:
        from textual.widget import Widget

        render_lines, refresh = Widget.render_lines, Widget.refresh
        counts = self

        def counted_render(widget: Widget, crop: Any) -> Any:
            if counts.on:
                counts.counts[f"render_lines {type(widget).__name__}"] += 1
            return render_lines(widget, crop)

        def counted_refresh(widget: Widget, *regions: Any, **options: Any) -> Any:
            if counts.on:
                kind = "refresh layout" if options.get("layout") else "refresh"
                counts.counts[f"{kind} {type(widget).__name__}"] += 1
            return refresh(widget, *regions, **options)

        Widget.render_lines = counted_render  # type: ignore[method-assign]
        Widget.refresh = counted_refresh  # type: ignore[method-assign]
        self._count_binding_refreshes()

    def _count_binding_refreshes(self) -> None:
        """Who asks the footer to recompose (`Screen.refresh_bindings`): the nearest caller
        outside Textual's own forwarding, by file and line."""
        from textual.screen import Screen

        refresh_bindings = Screen.refresh_bindings
        counts = self

        def counted(screen: Screen[Any]) -> None:
            if counts.on:
                frame = sys._getframe(1)
                while frame.f_back is not None and frame.f_code.co_name == "refresh_bindings":
                    frame = frame.f_back
                where = f"{frame.f_code.co_filename.rsplit('site-packages/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"
                counts.counts[f"refresh_bindings from {where}"] += 1
            refresh_bindings(screen)

        Screen.refresh_bindings = counted  # type: ignore[method-assign]

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(dict(self.counts.most_common()), out, indent=1)


def main() -> None:
    path = os.environ[PROFILE_ENV]
    profiler = cProfile.Profile()
    widgets = WidgetCounts()
    widgets.install()

    def start(_signal: int, _frame: FrameType | None) -> None:
        widgets.on = True
        profiler.enable()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        profiler.disable()
        widgets.on = False
        profiler.dump_stats(path)
        widgets.write(f"{path}.widgets.json")

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from tui_app.cli.main import main as app_main

    raise SystemExit(app_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
