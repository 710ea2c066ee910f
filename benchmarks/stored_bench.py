"""Targets 4 and 5b of issue 8: the real app on a store of many stored messages (switching to a
session of 5,000, restoring 20 of 500), and the store built for them.

Run through `python -m benchmarks.ui_bench NAME` as the others are.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import median, peak_rss_mb
from benchmarks.headless import POLL, SIZE, height, settle
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView


def build_store(path: Path, sessions: int, messages: int, latest_small: bool = False) -> None:
    """A store of `sessions` sessions of `messages` messages (finished turns, as stored)."""
    from benchmarks.store_bench import finished_turn, record
    from tui_app.persistence.store import Store

    with Store(path) as store:
        for s in range(sessions):
            store.save_session(record(f"s{s}"))
            store.append_events(f"s{s}", [e for n in range(messages // 2) for e in finished_turn(n)])
        if latest_small:
            small = record("small")
            store.save_session(small)
            store.append_events("small", finished_turn(0))


async def _switch(path: Path, timeout: float) -> dict[str, float]:
    from tui_app.settings.backend_choice import ApiKey
    from tui_app.backends.connection import Connection
    from tui_app.server.options import ServerOptions
    from tui_app.server.runner import EmbeddedServer
    from tui_app.persistence.store import Store
    from tui_app.ui.app import TuiApp

    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server, Store(path) as store:
        app = TuiApp(Connection("local", server.base_url, ApiKey(server.api_key)), store=store)
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.sleep(0.5)
            view = app.query_one(TranscriptView)
            await settle(pilot, height(view))
            lags: list[float] = []
            ticking = True

            async def ticker() -> None:
                # How late the event loop runs a 10 ms timer: what a keypress would wait.
                while ticking:
                    expected = time.perf_counter() + POLL
                    await asyncio.sleep(POLL)
                    lags.append(time.perf_counter() - expected)

            tick = asyncio.create_task(ticker())
            before = (view.virtual_size.height, view.max_scroll_y)
            started = time.perf_counter()
            big = next(s for s in app.sessions.values() if s.id == "s0")
            app.run_worker(app.action_switch_number(list(app.sessions.values()).index(big) + 1))
            while (view.virtual_size.height, view.max_scroll_y) == before and time.perf_counter() - started < timeout:
                await asyncio.sleep(0.002)
            first_paint = time.perf_counter() - started
            settled = await settle(pilot, height(view), timeout) - started
            switch_lag = max(lags, default=0.0)
            lags.clear()
            started = time.perf_counter()
            view.scroll_home(animate=False)
            top = await settle(pilot, lambda: (view.scroll_y, *height(view)()), timeout) - started
            ticking = False
            await tick
            return {
                "first_paint_s": first_paint,
                "settled_s": settled,
                "max_loop_lag_switch_s": switch_lag,
                "scroll_top_s": top,
                "max_loop_lag_scroll_s": max(lags, default=0.0),
                "at_top": float(view.scroll_y == 0),
            }


def switch(tokens: int, runs: int, messages: int = 5000, timeout: float = 120.0) -> dict[str, Any]:
    """Target 4: switch to a session of 5,000 messages; then scroll to its top."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "tui-app.db"
        build_store(path, 1, messages, latest_small=True)
        figures = [asyncio.run(_switch(path, timeout)) for _ in range(runs)]
    return {"messages": messages, **{key: median([f[key] for f in figures]) for key in figures[0]}}


def rss_sessions(tokens: int, runs: int) -> dict[str, Any]:
    """Target 5b: peak RSS of the app restoring 20 sessions of 500 messages (store built first,
    in another process, so its making is not counted)."""
    path = Path(os.environ["BENCH_STORE"])
    from tui_app.settings.backend_choice import ApiKey
    from tui_app.backends.connection import Connection
    from tui_app.server.options import ServerOptions
    from tui_app.server.runner import EmbeddedServer
    from tui_app.persistence.store import Store
    from tui_app.ui.app import TuiApp

    async def main() -> float:
        with EmbeddedServer(ServerOptions(tokens_per_second=0)) as server, Store(path) as store:
            app = TuiApp(Connection("local", server.base_url, ApiKey(server.api_key)), store=store)
            started = time.perf_counter()
            async with app.run_test(size=SIZE) as pilot:
                view = app.query_one(TranscriptView)
                await settle(pilot, height(view))
                return time.perf_counter() - started

    seconds = asyncio.run(main())
    return {"peak_rss_mb": peak_rss_mb(), "start_and_settle_s": seconds}


def rss_restore(tokens: int, runs: int) -> dict[str, Any]:
    """For target 5b: the same store restored without any UI (the controllers' share of it)."""
    from benchmarks.store_bench import _Offline
    from tui_app.workspace.session_controller import LedgerBook, SessionController
    from tui_app.persistence.store import Store

    before = peak_rss_mb()
    started = time.perf_counter()
    with Store(Path(os.environ["BENCH_STORE"])) as store:
        book = LedgerBook()
        restored = [SessionController.restore(r, _Offline(), store, ledger=book) for r in store.sessions()]
        seconds = time.perf_counter() - started
        messages = sum(len(s.transcript.messages) for s in restored)
    return {"peak_rss_mb": peak_rss_mb(), "rss_before_mb": before, "seconds": seconds, "messages": messages}
