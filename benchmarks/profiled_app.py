"""`python -m tui_app` under cProfile, for a benchmark that wants to know where the app's time goes.

    TUI_APP_PROFILE=/path/out.prof python -m benchmarks.profiled_app [tui_app arguments]

The profiler runs only between SIGUSR1 (start) and SIGUSR2 (stop and write the stats to the path
in `TUI_APP_PROFILE`), so a benchmark profiles its measured window, not the start. Only the main
thread (the event loop) is profiled there; the store's writer thread's transactions go to
`<path>.writer` (a profile of its own), with the count of transactions and of writes in them in
the widgets' counts ("writer transactions", "writer writes").

Beside the stats, `<path>.widgets.json` counts, over the same window, each widget class's
repaints (`render_lines`: what the compositor drew of it) and the refreshes asked of it, with a
layout or not, and where each request to redo the footer's keys (`refresh_bindings`) came from:
which widget is redrawn how often, and who asks for it (a profile tells how long, not which).
With `TUI_APP_PROFILE_STACKS=RowText,SessionItem` (widget classes), each refresh asked of those
classes is also counted by the stack that asked for it (a few frames, innermost first): who
asks a row for a layout, or for a repaint outside the paced redraws.
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
STACKS_ENV = "TUI_APP_PROFILE_STACKS"
STACK_DEPTH = 8
"""Frames of a stack counted with `TUI_APP_PROFILE_STACKS`: enough to leave Textual's forwarding."""


class WidgetCounts:
    """Counts of repaints and refreshes per widget class while `on` (Textual's public methods,
    wrapped: the app's own code is not touched)."""

    def __init__(self, stacks_of: frozenset[str] = frozenset()) -> None:
        self.on = False
        self.counts: Counter[str] = Counter()
        self.stacks_of = stacks_of
        """Widget classes whose refreshes are counted by the stack that asked (`STACKS_ENV`)."""

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
                name = type(widget).__name__
                counts.counts[f"{kind} {name}"] += 1
                if name in counts.stacks_of:
                    counts.counts[f"{kind} {name} from {_stack(sys._getframe(1))}"] += 1
            return refresh(widget, *regions, **options)

        Widget.render_lines = counted_render  # type: ignore[method-assign]
        Widget.refresh = counted_refresh  # type: ignore[method-assign]
        self._count_binding_refreshes()
        self._count_layouts()

    def _count_layouts(self) -> None:
        """Each layout of the screen by the widgets that asked for it (one layout serves every
        request of a frame: which requests come together). Textual keeps them in a private
        attribute: read only, and only here."""
        from textual.screen import Screen

        refresh_layout = Screen._refresh_layout
        counts = self

        def counted(screen: Screen[Any], *args: Any, **kwargs: Any) -> None:
            if counts.on:
                asked = getattr(screen, "_layout_widgets", {})
                names = sorted({type(widget).__name__ for widgets in asked.values() for widget in widgets})
                counts.counts[f"layout asked by {', '.join(names) or '(a scroll or resize)'}"] += 1
            refresh_layout(screen, *args, **kwargs)

        Screen._refresh_layout = counted  # type: ignore[method-assign]

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


def _where(frame: FrameType) -> str:
    return f"{frame.f_code.co_filename.rsplit('site-packages/', 1)[-1].rsplit('/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"


def _stack(frame: FrameType | None) -> str:
    """The innermost `STACK_DEPTH` frames from `frame` out, short (file name, line, function)."""
    where: list[str] = []
    while frame is not None and len(where) < STACK_DEPTH:
        where.append(_where(frame))
        frame = frame.f_back
    return " < ".join(where)


def profile_writer(profiler: cProfile.Profile, counts: WidgetCounts) -> None:
    """Each transaction of the store's writer thread, profiled on that thread while `counts.on`
    (a profiler enabled on a thread profiles that thread alone)."""
    from tui_app.persistence.background_writer import BackgroundWriter

    write = BackgroundWriter._write

    def profiled(writer: BackgroundWriter, batch: Any, gone: set[str]) -> None:
        if not counts.on:
            return write(writer, batch, gone)
        counts.counts["writer transactions"] += 1
        counts.counts["writer writes"] += len(batch)
        profiler.enable()
        try:
            return write(writer, batch, gone)
        finally:
            profiler.disable()

    BackgroundWriter._write = profiled  # type: ignore[method-assign]


def main() -> None:
    path = os.environ[PROFILE_ENV]
    profiler = cProfile.Profile()
    widgets = WidgetCounts(frozenset(filter(None, os.environ.get(STACKS_ENV, "").split(","))))
    widgets.install()
    writer_profiler = cProfile.Profile()
    profile_writer(writer_profiler, widgets)

    def start(_signal: int, _frame: FrameType | None) -> None:
        widgets.on = True
        profiler.enable()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        profiler.disable()
        widgets.on = False
        profiler.dump_stats(path)
        writer_profiler.dump_stats(f"{path}.writer")
        widgets.write(f"{path}.widgets.json")

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from tui_app.cli.main import main as app_main

    raise SystemExit(app_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
