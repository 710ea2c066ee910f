"""Run every benchmark of issues 8, 14 and 16 and print one table.

    python -m benchmarks [--quick] [--runs N] [--only 1,2,7] [--tokens N] [--rev REV]

Each target runs in a process of its own (so a peak RSS is that target's alone), one after the
other; a target that fails or times out prints why in its row, and the others still run. The
exit status is 0 whatever the figures: benchmarks print, they never fail.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import machine

Row = tuple[str, str, str, str]
"""(target, what, figure, goal)"""


def measure(module: str, *args: str, timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `python -m benchmarks.<module> ARGS` and read the JSON its last line prints."""
    import os

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"exit {done.returncode}: {tail}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["_seconds"] = time.perf_counter() - started
    return result


def pct(x: float) -> str:
    return f"{x:.1f} %"


def sec(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def ratio(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}x"


def target_1(args: argparse.Namespace) -> list[Row]:
    r = measure("ui_bench", "paced", "--tokens", str(args.tokens), "--runs", str(args.long_runs), timeout=args.timeout * 4)
    v, m = r["view"], r["markdown_stream"]
    label = f"1. {r['tokens']:,} tokens at {r['rate']:.0f} tok/s"
    return [
        (label, "CPU of one core: TranscriptView | MarkdownStream", f"{pct(v['cpu_percent'])} | {pct(m['cpu_percent'])}", "≤ 30 %"),
        (label, "behind the producer at the end: view | stream", f"{sec(max(v['behind_s'], 0))} | {sec(max(m['behind_s'], 0))}", "never behind"),
        (label, "cost of last 10 % / first 10 %: view | stream", f"{ratio(v['last10_over_first10'])} | {ratio(m['last10_over_first10'])}", "≤ 1.2x"),
    ]


def target_2(args: argparse.Namespace) -> list[Row]:
    r = measure("ui_bench", "unpaced", "--tokens", str(args.tokens), "--runs", str(args.runs), timeout=args.timeout * 3)
    label = f"2. {r['tokens']:,} tokens unpaced"
    return [
        (label, f"streamed / one-shot wall ({sec(r['streamed_s'])} / {sec(r['one_shot_s'])})", ratio(r["ratio"]), "≤ 1.0x"),
        (label, "final frame identical to the one-shot render", "yes" if r["final_frame_identical"] else "NO", "yes"),
    ]


def target_3(args: argparse.Namespace) -> list[Row]:
    r = measure("ui_bench", "sessions", "--runs", str(args.long_runs), timeout=args.timeout * 2)
    label = "3. sessions at 50 tok/s"
    ten, one, idle = r["ten"]["app_cpu_percent"], r["one"]["app_cpu_percent"], r["idle"]["app_cpu_percent"]
    return [
        (label, "10 streaming, one on screen | 1 alone (app CPU)", f"{pct(ten)} | {pct(one)}", "≤ 15 %, within 2 points"),
        (label, "10 minus 1 alone", f"{ten - one:+.1f} points", "≤ 2 points"),
        ("3. idle app", "CPU of one core", pct(idle), "≤ 1 %"),
    ]


def target_4(args: argparse.Namespace) -> list[Row]:
    r = measure("ui_bench", "switch", "--runs", str(args.long_runs), timeout=args.timeout * 3)
    label = f"4. switch to {r['messages']:,} messages"
    return [
        (label, "first paint", sec(r["first_paint_s"]), "≤ 100 ms"),
        (label, "until the view is settled | longest event-loop stall", f"{sec(r['settled_s'])} | {sec(r['max_loop_lag_switch_s'])}", "responsive"),
        (label, "scroll to top | longest event-loop stall", f"{sec(r['scroll_top_s'])} | {sec(r['max_loop_lag_scroll_s'])}", "responsive"),
    ]


def target_5(args: argparse.Namespace) -> list[Row]:
    empty = measure("ui_bench", "rss_empty", timeout=args.timeout)
    reply = measure("ui_bench", "rss_reply", "--tokens", str(args.tokens), timeout=args.timeout * 2)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "tui-app.db"
        from benchmarks.stored_bench import build_store

        build_store(path, 20, 500)
        env = {"BENCH_STORE": str(path)}
        bare = measure("ui_bench", "rss_restore", timeout=args.timeout, env=env)
        stored = measure("ui_bench", "rss_sessions", timeout=args.timeout, env=env)
    return [
        ("5. peak RSS", f"after a {reply['tokens']:,}-token reply (empty view: {empty['peak_rss_mb']:.0f} MB)", f"{reply['peak_rss_mb']:.0f} MB", "≤ 80 MB"),
        ("5. peak RSS", f"app with 20 sessions of 500 messages (on screen after {sec(stored['start_and_settle_s'])})", f"{stored['peak_rss_mb']:.0f} MB", "≤ 300 MB"),
        ("5. peak RSS", f"the same sessions restored, no UI ({bare['messages']:,} messages in {sec(bare['seconds'])})", f"{bare['peak_rss_mb']:.0f} MB", "≤ 300 MB"),
    ]


def target_6(args: argparse.Namespace) -> list[Row]:
    r = measure("cold_start", "--runs", str(args.runs), timeout=args.timeout * 2)
    app, floor = r["working tree"], r["floor_paint_s"]
    label = "6. cold start (whole process, embedded server)"
    stored = f"not measured ({r['errors']})" if not app.get("stored_paint_s") else f"{sec(app['stored_listed_s'])} | {sec(app['stored_shown_s'])}"
    return [
        (label, f"empty store: first screen | session shown (floor: a bare Textual app, {sec(floor)})", f"{sec(app['empty_paint_s'])} = {ratio(app['empty_paint_s'] / floor)} | {sec(app['empty_shown_s'])}", "≤ 0.35 s"),
        (label, "20 x 500 messages: first screen, every session listed | latest shown", stored, "≤ 0.5 s"),
        (label, "to exit after first paint | bare `python -c pass`", f"{sec(app['empty_exit_s'])} | {sec(r['bare_python_s'])}", "—"),
    ]


def target_7(args: argparse.Namespace) -> list[Row]:
    from benchmarks import pipeline_bench, store_bench

    r = pipeline_bench.run(args.runs)
    reopen = store_bench.median_of(args.runs, lambda: store_bench.reopen_time(20, 500))
    label = "7. pipeline, no UI"
    return [
        (label, f"SSE parse only ({r['events']:,} events, {r['sse_bytes'] / 1e6:.1f} MB of SSE)", f"{r['parse_events_per_s']:,.0f} ev/s", "—"),
        (label, "+ reduce (controller: reducer, state, ledger)", f"{r['reduce_events_per_s']:,.0f} ev/s", "—"),
        (label, "+ store (SSE parse -> reduce -> store)", f"{r['store_events_per_s']:,.0f} ev/s", "≥ 20,000 ev/s"),
        (label, "+ store, per second of CPU (writer thread included)", f"{r['store_events_per_cpu_s']:,.0f} ev/s", "≥ 20,000 ev/s"),
        (label, f"one 5,000-token reply, whole text per frame ({r['long_sse_bytes'] / 1e6:.0f} MB): parse -> store", f"{r['long_store_events_per_s']:,.0f} ev/s", "as fast as short turns"),
        ("7. store", "reopen 20 sessions of 500 messages", sec(reopen), "fast"),
    ]


def target_8(args: argparse.Namespace) -> list[Row]:
    sizes = "1,2,5" if args.quick else "5,10,50"
    r = measure("long_reply_bench", "--mb", sizes, "--delta", "1024", timeout=args.timeout)
    label = f"8. one long reply ({r['delta']:,}-character deltas)"
    rows: list[Row] = []
    for reply in r["replies"]:
        what = f"{reply['mb']:g} MB over loopback -> reduce -> store (peak RSS {reply['peak_rss_mb']:.0f} MB)"
        rows.append((label, what, f"{sec(reply['seconds'])} ({reply['s_per_mb']:.2f} s/MB)", "linear; 50 MB < 60 s"))
    return rows


def target_9(args: argparse.Namespace) -> list[Row]:
    tokens = min(args.tokens, 5_000)
    revs = [arg for rev in args.rev for arg in ("--rev", rev)]
    r = measure("pty_stream", "--tokens", str(tokens), "--rates", "50,200", *revs, timeout=args.timeout * 4)
    goals = {"50": "≤ 15 %", "200": "≤ 30 %"}
    rows: list[Row] = []
    for rate, row in r["rates"].items():
        label = f"9. {tokens:,} tokens at {rate} tok/s, from outside"
        floor = row.pop("floor")["cpu_percent"]
        for name, figures in row.items():
            if "error" in figures:
                rows.append((label, f"{name}: did not finish", figures["error"][:120], ""))
                continue
            what = f"app process CPU in a {r['size']} pty ({name}) | floor: a bare Textual `Log`"
            figure = f"{pct(figures['cpu_percent'])} | {pct(floor)} = {ratio(figures['ratio_to_floor'])}"
            rows.append((label, what, figure, goals.get(rate, "—")))
    return rows


def target_10(args: argparse.Namespace) -> list[Row]:
    revs = [arg for rev in args.rev for arg in ("--rev", rev)]
    r = measure("ten_sessions", "--runs", str(args.long_runs), *revs, timeout=args.timeout * 4)
    rows: list[Row] = []
    for name, tree in r["trees"].items():
        label = f"10. {r['sessions']} sessions at {r['speed']:g} tok/s, from outside ({name})"
        if "many_minus_one_points" not in tree:
            rows.append((label, "did not finish", str(tree.get("many", tree))[:120], ""))
            continue
        many, one, idle = (tree[case]["app_cpu_percent"] for case in ("many", "one", "idle"))
        rows.append((label, f"app process CPU: {r['sessions']} streaming, one on screen | 1 alone", f"{pct(many)} | {pct(one)}", "—"))
        rows.append((label, "the difference", f"{tree['many_minus_one_points']:+.1f} points", "≤ +3 points"))
        rows.append((label, "idle app", pct(idle), "≤ 0.5 %"))
        if "off_screen_minus_idle_points" in tree:
            off = tree["off_screen"]
            what = f"{r['sessions'] - 1} streaming off screen, an idle one shown ({off['events_per_s']:.0f} events/s): above idle"
            rows.append((label, what, f"{tree['off_screen_minus_idle_points']:+.1f} points ({tree['off_screen_ms_per_event']:.2f} ms/event)", "≤ +3 points"))
    return rows


TARGETS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "1": target_1, "2": target_2, "3": target_3, "4": target_4, "5": target_5, "6": target_6, "7": target_7,
    "8": target_8, "9": target_9, "10": target_10,
}


def print_table(rows: list[Row]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for n, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 tokens and one run each: minutes, not most of an hour")
    parser.add_argument("--runs", type=int, default=3, help="runs of the short measurements (median printed)")
    parser.add_argument("--long-runs", type=int, default=1, help="runs of the long ones (1, 3, 4)")
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8,9,10", help="targets to run, e.g. 2,7")
    parser.add_argument(
        "--rev", action="append", default=[], help="a git revision whose app targets 9 and 10 also measure, beside the working tree"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a measurement may take (some get a multiple)")
    args = parser.parse_args()
    if args.quick:
        args.tokens, args.runs, args.long_runs = min(args.tokens, 2_000), 1, 1
    print(f"machine: {machine()}")
    rows: list[Row] = [("target", "what", "figure", "goal")]
    for key in args.only.split(","):
        key = key.strip()
        started = time.perf_counter()
        try:
            new = TARGETS[key](args)
        except Exception as error:  # a benchmark prints, it never fails
            new = [(f"{key}.", "did not finish", f"{type(error).__name__}: {error}"[:120], "")]
        rows += new
        print(f"  target {key}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(f"machine after: {machine()}")
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
