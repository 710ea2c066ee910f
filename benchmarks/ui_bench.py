"""Targets 1-5 of issue 8: the real widget and the real app, headless at 100x40.

    python -m benchmarks.ui_bench NAME [--tokens N] [--runs N]   (prints one JSON line)

Each NAME runs in a process of its own (`python -m benchmarks` starts them), so a peak RSS is
that measurement's alone. The transcript is driven through `TranscriptView`'s public API only
(`show(transcript, unit)`, `await reset()`), so whichever version of the widget is in the tree
is what gets measured; "done" is when the view's virtual height last changed, the one thing
every version of it exposes, polled every 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

import tui_app.ui
from benchmarks.common import CpuWindow, cpu_seconds, median, peak_rss_mb, reply_text, tokens_of
from tui_app.core import transcript as reducer
from tui_app.core.events import MessageCompleted, MessageCreated, PartUpdated, TurnCompleted, TurnStarted, UserMessageSent
from tui_app.core.transcript import Transcript
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

from benchmarks.headless import POLL, QUIET, SIZE, height, settle  # noqa: F401 (QUIET, POLL: used by callers)
from benchmarks.stored_bench import rss_restore, rss_sessions, switch



APP_CSS = Path(tui_app.ui.__file__).parent / "app.tcss"


class ViewApp(App[None]):
    """Just the transcript widget, styled by the app's own stylesheet."""

    CSS_PATH = APP_CSS

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")


class StreamApp(App[None]):
    """Textual's own streaming: a Markdown in a scroll view, fed through `MarkdownStream`."""

    CSS = "VerticalScroll { height: 1fr; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown()


def opening() -> Transcript:
    transcript = Transcript()
    for event in (UserMessageSent("u1", "Write a long reply."), TurnStarted("t1"), MessageCreated("t1", "m1")):
        transcript = reducer.apply(transcript, event)
    return transcript


def token_event(token: str) -> PartUpdated:
    return PartUpdated("t1", "m1", "p1", "text", None, token)


def finished(text: str) -> Transcript:
    transcript = reducer.apply(opening(), PartUpdated("t1", "m1", "p1", "text", text, None))
    transcript = reducer.apply(transcript, MessageCompleted("t1", "m1"))
    return reducer.apply(transcript, TurnCompleted("t1", "completed"))


async def produce(
    tokens: list[str], rate: float, emit: Callable[[str], Awaitable[None]], marks: dict[str, float]
) -> dict[str, float]:
    """Emit `tokens` at `rate` per second (0: as fast as possible), catching up when late."""
    count = len(tokens)
    first10, last10 = count // 10, count - count // 10
    started = time.perf_counter()
    marks["cpu0"] = cpu_seconds()
    produced, late = 0, 0.0
    while produced < count:
        if rate:
            elapsed = time.perf_counter() - started
            due = min(count, int(elapsed * rate) + 1)
            late = max(late, elapsed - produced / rate)
        else:
            due = produced + 1
        while produced < due:
            await emit(tokens[produced])
            produced += 1
            if produced == first10:
                marks["cpu_first10"] = cpu_seconds()
            if produced == last10:
                marks["cpu_last10"] = cpu_seconds()
        await asyncio.sleep(1 / rate if rate else 0)
    marks["started"], marks["produced"], marks["max_late"] = started, time.perf_counter(), late
    return marks


async def stream_view(tokens: list[str], rate: float) -> dict[str, Any]:
    """Stream `tokens` into TranscriptView as the app does: each event reduced, then `show()`."""
    app = ViewApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        state = {"transcript": opening()}
        view.show(state["transcript"], "micros")
        await pilot.pause(0.1)

        async def emit(token: str) -> None:
            state["transcript"] = reducer.apply(state["transcript"], token_event(token))
            view.show(state["transcript"], "micros")

        marks = await produce(tokens, rate, emit, {})
        transcript = reducer.apply(state["transcript"], MessageCompleted("t1", "m1"))
        view.show(reducer.apply(transcript, TurnCompleted("t1", "completed")), "micros")
        done = await settle(pilot, height(view))
        marks["cpu_done"] = cpu_seconds()
        marks["done"] = done
        marks["screen"] = app.export_screenshot()
    return marks


async def stream_markdown(tokens: list[str], rate: float) -> dict[str, Any]:
    app = StreamApp()
    text = "".join(tokens)
    async with app.run_test(size=SIZE) as pilot:
        markdown = app.query_one(Markdown)
        scroll = app.query_one(VerticalScroll)
        scroll.anchor()
        stream = Markdown.get_stream(markdown)
        await pilot.pause(0.1)
        marks = await produce(tokens, rate, stream.write, {})
        while len(markdown.source) < len(text):  # still behind: what was written is queued
            await asyncio.sleep(POLL)
        shown = time.perf_counter()
        done = max(shown, await settle(pilot, height(scroll)))
        await stream.stop()
        marks["cpu_done"] = cpu_seconds()
        marks["done"] = done
    return marks


async def one_shot(text: str) -> dict[str, Any]:
    app = ViewApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        await pilot.pause(0.1)
        transcript = finished(text)
        started = time.perf_counter()
        view.show(transcript, "micros")
        # An empty reply may never change the view's height: then there is nothing to wait for.
        done = await settle(pilot, height(view), first_change=bool(text))
        return {"wall": done - started, "screen": app.export_screenshot()}


def paced_figures(marks: dict[str, float], tokens: int, rate: float) -> dict[str, float]:
    wall = marks["done"] - marks["started"]
    cpu = marks["cpu_done"] - marks["cpu0"]
    first = marks["cpu_first10"] - marks["cpu0"]
    last = marks["cpu_done"] - marks["cpu_last10"]
    return {
        "cpu_percent": 100 * cpu / wall,
        "behind_s": marks["done"] - (marks["started"] + tokens / rate),
        "producer_late_s": marks["max_late"],
        "last10_over_first10": last / first if first else float("nan"),
        "wall_s": wall,
    }


# -- the measurements, by name


def paced(tokens: int, runs: int, rate: float = 200.0) -> dict[str, Any]:
    """Target 1: one reply at `rate` tokens/s, TranscriptView and MarkdownStream on the same text."""
    pieces = tokens_of(reply_text(tokens))
    result: dict[str, Any] = {"tokens": len(pieces), "rate": rate}
    for name, run in (("view", stream_view), ("markdown_stream", stream_markdown)):
        figures = [paced_figures(asyncio.run(run(pieces, rate)), len(pieces), rate) for _ in range(runs)]
        result[name] = {key: median([f[key] for f in figures]) for key in figures[0]}
    return result


def same_screen(first: str, second: str) -> bool:
    """Whether two `export_screenshot()` SVGs show the same screen: each export names its CSS
    classes after a hash unique to that export (`terminal-1234…`), so those are set aside."""
    unique = re.compile(r"terminal-\d+")
    return unique.sub("terminal", first) == unique.sub("terminal", second)


def unpaced(tokens: int, runs: int) -> dict[str, Any]:
    """Target 2: the same tokens as fast as possible, against a one-shot render of the final text."""
    pieces = tokens_of(reply_text(tokens))
    streamed, shot, same = [], [], []
    for _ in range(runs):
        marks = asyncio.run(stream_view(pieces, 0))
        once = asyncio.run(one_shot("".join(pieces)))
        streamed.append(marks["done"] - marks["started"])
        shot.append(once["wall"])
        same.append(same_screen(marks["screen"], once["screen"]))
    return {
        "tokens": len(pieces),
        "streamed_s": median(streamed),
        "one_shot_s": median(shot),
        "ratio": median([s / o for s, o in zip(streamed, shot, strict=True)]),
        "final_frame_identical": all(same),
    }


def rss_reply(tokens: int, runs: int) -> dict[str, Any]:
    """Target 5a: peak RSS of this process after streaming one reply (unpaced) into the view."""
    before = peak_rss_mb()
    asyncio.run(stream_view(tokens_of(reply_text(tokens)), 0))
    return {"tokens": tokens, "peak_rss_mb": peak_rss_mb(), "rss_before_mb": before}


def rss_empty(tokens: int, runs: int) -> dict[str, Any]:
    """For scale: peak RSS of a process that only starts the view and shows nothing."""
    asyncio.run(one_shot(""))
    return {"peak_rss_mb": peak_rss_mb()}


# -- the whole app against the embedded server


def _server_thread_cpu(native_id: int) -> float:
    """CPU seconds used so far by one thread of this process (the embedded server's)."""
    with open(f"/proc/self/task/{native_id}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _app_cpu(sessions: int, streaming: bool, seconds: float, rate: float) -> dict[str, float]:
    """CPU of the app (the process minus the embedded server's thread) with `sessions` open,
    each streaming turn after turn at `rate` tok/s if `streaming`, one of them on screen."""
    from tui_app.settings.backend_choice import ApiKey
    from tui_app.backends.connection import Connection
    from tui_app.server.options import ServerOptions
    from tui_app.server.runner import EmbeddedServer
    from tui_app.ui.app import TuiApp

    with EmbeddedServer(ServerOptions(tokens_per_second=rate)) as server:
        server_tid = server._thread.native_id
        assert server_tid is not None
        app = TuiApp(Connection("local", server.base_url, ApiKey(server.api_key)))
        async with app.run_test(size=SIZE):
            deadline = time.perf_counter() + 60
            while True:
                # One at a time: each new session is switched to, and switching while the
                # previous switch renders has raised MountError in TranscriptView.
                if all(s.state == "ready" for s in app.sessions.values()):
                    if len(app.sessions) == sessions:
                        break
                    app.new_session()
                if time.perf_counter() > deadline:
                    raise RuntimeError("sessions did not open")
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            stop = asyncio.Event()

            async def keep_talking(session: Any) -> None:
                n = 0
                while not stop.is_set():
                    n += 1
                    await session.send(f"tell me more, part {n}")

            tasks = [asyncio.create_task(keep_talking(s)) for s in app.sessions.values()] if streaming else []
            await asyncio.sleep(3.0)  # warm up: every stream running
            window = CpuWindow().start()
            server0 = _server_thread_cpu(server_tid)
            await asyncio.sleep(seconds)
            server_cpu = _server_thread_cpu(server_tid) - server0
            window.stop()
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return {
                "app_cpu_percent": 100 * (window.cpu - server_cpu) / window.wall,
                "server_cpu_percent": 100 * server_cpu / window.wall,
            }


def sessions(tokens: int, runs: int, seconds: float = 10.0) -> dict[str, Any]:
    """Target 3: 10 sessions streaming 50 tok/s each (one on screen), one alone, and idle."""
    result: dict[str, Any] = {}
    for name, count, streaming in (("ten", 10, True), ("one", 1, True), ("idle", 1, False)):
        figures = [asyncio.run(_app_cpu(count, streaming, seconds, 50.0)) for _ in range(runs)]
        result[name] = {key: median([f[key] for f in figures]) for key in figures[0]}
    return result


MEASUREMENTS = {
    "rss_restore": rss_restore,
    "paced": paced,
    "unpaced": unpaced,
    "sessions": sessions,
    "switch": switch,
    "rss_reply": rss_reply,
    "rss_empty": rss_empty,
    "rss_sessions": rss_sessions,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name", choices=MEASUREMENTS)
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    result = MEASUREMENTS[args.name](args.tokens, args.runs)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
