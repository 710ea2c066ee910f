"""Target 7: the client pipeline without UI, SSE parse -> reduce -> store, in events per second.

The SSE bytes are the embedded server's own, recorded once from real turns of the demo agent
(every `message.part.updated` frame carries the part's full text so far and the new token, as
both services send them). They are then replayed from memory through httpx's in-memory
transport into the real adapter (`CasedevBackend`: httpx-sse, frame dedup, pydantic wire
models), the real `SessionController` (reducer, state machine, usage ledger) and the real
`Store`, flushed every 8 events (a 200 tok/s stream flushed once per frame at 30 fps writes ~7).
Three stages on the same bytes show where the time goes: parse only, + reduce, + store.
Each is given in events per second of wall time and per second of CPU (the process's, the
store's writer thread included): on a machine loaded by other work the second is the steadier.

A long reply is measured the same way: one 5,000-token Markdown reply whose every frame carries
the part's whole text so far (about 46 MB of JSON, as OpenCode's events are), where a cost per
frame that grows with the text shows as a lower rate.

    python -m benchmarks.pipeline_bench [--runs 3] [--turns 40] [--rev REV ...]

Each `--rev` (a git revision) runs this same benchmark on that revision's code, from a `git
archive` of it, the trees taking turns: before and after side by side in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import machine, median, reply_text, tokens_of
from tui_app.backends.casedev import CasedevBackend
from tui_app.settings.backend_choice import ApiKey
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.workspace.session_controller import SessionController
from tui_app.persistence.store import Store

PROMPTS = ["hello there", "think about it", "use the tool please", "a longer question about the plan " * 3]
FLUSH_EVERY = 8


def record_turns(turns: int) -> tuple[bytes, list[bytes]]:
    """(the chat's creation answer, each turn's `respond` body), from the embedded server."""
    with EmbeddedServer(ServerOptions(tokens_per_second=0, usage_every_tokens=8)) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
            created = client.post("/agent/v1/chat", json={"title": "bench"})
            chat_id = created.json()["id"]
            bodies = []
            for n in range(turns):
                body = {"parts": [{"type": "text", "text": f"{PROMPTS[n % len(PROMPTS)]} #{n}"}]}
                response = client.post(f"/agent/v1/chat/{chat_id}/respond", json=body)
                bodies.append(response.content)
    return created.content, bodies


def long_reply(tokens: int = 5000) -> bytes:
    """One turn's `respond` body: a reply of `tokens` tokens, each frame with the whole text so far."""
    frames, seq, text = [], 1, ""

    def frame(name: str, data: dict[str, object]) -> None:
        nonlocal seq
        frames.append(f"id: {seq}\nevent: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode())
        seq += 1

    frame("turn.started", {"turnId": "t_long", "chatId": "chat_bench"})
    frame("message.created", {"turnId": "t_long", "messageId": "m_long", "role": "assistant"})
    for token in tokens_of(reply_text(tokens)):
        text += token
        part = {"id": "p_long", "type": "text", "text": text}
        frame("message.part.updated", {"turnId": "t_long", "messageId": "m_long", "partId": "p_long", "part": part, "delta": token})
    frame("message.completed", {"turnId": "t_long", "messageId": "m_long", "finish": "stop"})
    frame("turn.completed", {"turnId": "t_long", "status": "completed"})
    return b"".join(frames)


def _transport(created: bytes, bodies: list[bytes]) -> httpx.MockTransport:
    replies = iter(bodies)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/respond"):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=next(replies))
        return httpx.Response(200, headers={"content-type": "application/json"}, content=created)

    return httpx.MockTransport(answer)


def _backend(created: bytes, bodies: list[bytes]) -> CasedevBackend:
    backend = CasedevBackend("http://recorded", ApiKey("sk_bench"), name="local")
    # The network is the only thing replaced: the recorded bytes come from memory.
    backend._client = httpx.AsyncClient(base_url="http://recorded", transport=_transport(created, bodies))
    return backend


async def _run(stage: str, created: bytes, bodies: list[bytes], directory: Path) -> tuple[int, float, float]:
    """(events, seconds, CPU seconds) for one stage over every recorded turn."""
    backend = _backend(created, bodies)
    chat_id = json.loads(created)["id"]
    count = 0
    try:
        if stage == "parse":
            started, cpu = time.perf_counter(), time.process_time()
            for n in range(len(bodies)):
                async for _ in backend.send(chat_id, f"{PROMPTS[n % len(PROMPTS)]} #{n}"):
                    count += 1
            return count, time.perf_counter() - started, time.process_time() - cpu
        store = Store(directory / f"{stage}.db") if stage == "store" else None
        unsaved = 0

        def changed(session: SessionController, event: object) -> None:
            nonlocal count, unsaved
            if event is None:
                return
            count += 1
            unsaved += 1
            if unsaved >= FLUSH_EVERY:
                unsaved = 0
                session.flush()

        session = SessionController(backend, "bench", on_change=changed, store=store)
        await session.open()
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(len(bodies)):
            await session.send(f"{PROMPTS[n % len(PROMPTS)]} #{n}")
        session.flush()
        if store is not None:
            store.flush()  # writes are the store's writer thread's: count them until they are on disk
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if store is not None:
            store.close()
        return count, elapsed, cpu
    finally:
        await backend.aclose()


def _rates(stages: dict[str, tuple[bytes, list[bytes]]], runs: int) -> dict[str, object]:
    measured: dict[str, dict[str, list[float]]] = {}
    events: dict[str, int] = {}
    for _ in range(runs):
        # The stages take turns, so a change in the machine's load falls on all alike.
        for name, (created, bodies) in stages.items():
            stage = name.removeprefix("long_")
            with tempfile.TemporaryDirectory() as directory:
                count, seconds, cpu = asyncio.run(_run(stage, created, bodies, Path(directory)))
            measured.setdefault(name, {"wall": [], "cpu": []})
            measured[name]["wall"].append(count / seconds)
            measured[name]["cpu"].append(count / max(cpu, 1e-9))
            events[name] = count
    results: dict[str, object] = {}
    for name, figures in measured.items():
        results[f"{name}_events_per_s"] = median(figures["wall"])
        results[f"{name}_events_per_cpu_s"] = median(figures["cpu"])
    results["events"] = events["store"]
    results["long_events"] = events["long_store"]
    return results


def run(runs: int = 3, turns: int = 40) -> dict[str, object]:
    created, bodies = record_turns(turns)
    long = long_reply()
    stages = {stage: (created, bodies) for stage in ("parse", "reduce", "store")}
    stages |= {f"long_{stage}": (created, [long]) for stage in ("parse", "store")}
    results: dict[str, object] = {"turns": turns, "sse_bytes": sum(map(len, bodies)), "long_sse_bytes": len(long)}
    results |= _rates(stages, runs)
    return results


ROOT = Path(__file__).resolve().parent.parent


def _tree_of(rev: str, into: Path) -> Path:
    """`rev`'s code, with this benchmark (and its helpers) in it, to measure that code the same way."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=data, check=True)
    for name in ("pipeline_bench.py", "common.py"):
        shutil.copy(ROOT / "benchmarks" / name, into / "benchmarks" / name)
    return into


def _in_tree(tree: Path, runs: int, turns: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.pipeline_bench", "--runs", str(runs), "--turns", str(turns)],
        capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pipeline_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rev", action="append", default=[], help="a git revision to measure beside the working tree")
    args = parser.parse_args()
    if not args.rev:
        print(json.dumps(run(args.runs, args.turns)))
        return
    result: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"working tree": ROOT} | {rev: _tree_of(rev, Path(scratch) / rev.replace("/", "_")) for rev in args.rev}
        figures: dict[str, list[dict[str, object]]] = {name: [] for name in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():  # the trees take turns: load changes fall on all alike
                figures[name].append(_in_tree(tree, 1, args.turns))
    for name, runs in figures.items():
        keys = [key for key, value in runs[0].items() if isinstance(value, float)]
        result[name] = {**runs[0], **{key: median([float(run[key]) for run in runs]) for key in keys}}  # type: ignore[arg-type]
    result["machine_after"] = machine()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
