"""Target 8: one very long reply (5, 10, 50 MB) through the real pipeline, wire to store.

    python -m benchmarks.long_reply_bench [--mb 5,10,50] [--delta 4096] [--no-store]

A Case.dev-compatible server on 127.0.0.1 (`tests/hostile_server.py`) streams one turn whose
reply is `--mb` megabytes of text, in `message.part.updated` frames that carry only the new
delta (a frame carrying the full text so far is quadratic on the wire itself, whatever the
client does). The real adapter reads it over loopback HTTP, the real `SessionController`
applies every event (reducer, state machine, ledger) and flushes to a real `Store` once per
frame, as the app does. Prints the seconds and peak RSS per size, and the time per MB, which
stays flat when the pipeline is linear.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.common import peak_rss_mb
from tests.hostile_server import KEY, HostileServer, Reply, Script, sse
from tui_app.backends.api_key import ApiKey
from tui_app.backends.casedev import CasedevBackend
from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import SessionController

MB = 1_000_000


def reply_frames(size: int, delta: int) -> Iterator[bytes]:
    """A whole turn whose one text part grows to `size` characters, `delta` at a time. Made as
    it is sent: the server holds one frame, not the reply."""
    yield sse("turn.started", {"turnId": "t1"}, 1)
    yield sse("message.created", {"turnId": "t1", "messageId": "m1", "role": "assistant"}, 2)
    piece = ("word " * (delta // 5 + 1))[:delta]
    seq, sent = 3, 0
    while sent < size:
        text = piece[: size - sent]
        part = {"id": "p1", "type": "text"}
        yield sse("message.part.updated", {"turnId": "t1", "messageId": "m1", "partId": "p1", "part": part, "delta": text}, seq)
        seq, sent = seq + 1, sent + len(text)
    yield sse("message.completed", {"turnId": "t1", "messageId": "m1", "finish": "stop"}, seq)
    yield sse("turn.completed", {"turnId": "t1", "status": "completed"}, seq + 1)


async def one_reply(size: int, delta: int, store_dir: Path | None) -> dict[str, float]:
    script = Script(respond=Reply(chunks=lambda: reply_frames(size, delta)))
    with HostileServer(script) as server:
        backend = CasedevBackend(server.base_url, ApiKey(KEY))
        store = Store(store_dir / "bench.db") if store_dir is not None else None
        session = SessionController(backend, "long reply", store=store)
        try:
            await session.open()
            started = time.perf_counter()
            await session.send("a long one, please")
            session.flush()
            if store is not None:
                store.flush()  # the writer thread's work counts until it is on disk
            seconds = time.perf_counter() - started
            rss = peak_rss_mb()  # before the checks below read the reply back
            message = session.transcript.messages[-1]
            if len(message.text) != size:
                raise RuntimeError(f"the reply arrived with {len(message.text):,} characters, not {size:,}")
            if store is not None:
                stored = store.load_transcript(session.id).transcript.messages[-1].text
                if len(stored) != size:
                    raise RuntimeError(f"the store holds {len(stored):,} characters, not {size:,}")
        finally:
            await backend.aclose()
            if store is not None:
                store.close()
    return {"mb": size / MB, "seconds": seconds, "s_per_mb": seconds / (size / MB), "peak_rss_mb": rss}


def run(sizes_mb: list[float], delta: int = 4096, with_store: bool = True) -> dict[str, object]:
    rows = []
    for mb in sizes_mb:
        with tempfile.TemporaryDirectory() as directory:
            row = asyncio.run(one_reply(int(mb * MB), delta, Path(directory) if with_store else None))
        rows.append(row)
        print(f"  {mb:g} MB: {row['seconds']:.2f} s ({row['s_per_mb']:.3f} s/MB)", file=sys.stderr, flush=True)
    return {"delta": delta, "store": with_store, "replies": rows}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.long_reply_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--mb", default="5,10,50", help="reply sizes in MB, comma-separated")
    parser.add_argument("--delta", type=int, default=4096, help="characters per frame")
    parser.add_argument("--no-store", action="store_true", help="leave the store out (wire, reducer, controller only)")
    args = parser.parse_args()
    sizes = [float(x) for x in args.mb.split(",") if x.strip()]
    print(json.dumps(run(sizes, args.delta, not args.no_store)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
