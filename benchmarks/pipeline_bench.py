"""Target 7: the client pipeline without UI, SSE parse -> reduce -> store, in events per second.

The SSE bytes are the embedded server's own, recorded once from real turns of the demo agent
(every `message.part.updated` frame carries the part's full text so far and the new token, as
both services send them). They are then replayed from memory through httpx's in-memory
transport into the real adapter (`CasedevBackend`: httpx-sse, frame dedup, pydantic wire
models), the real `SessionController` (reducer, state machine, usage ledger) and the real
`Store`, flushed every 8 events (a 200 tok/s stream flushed once per frame at 30 fps writes ~7).
Three stages on the same bytes show where the time goes: parse only, + reduce, + store.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import median
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


async def _run(stage: str, created: bytes, bodies: list[bytes], directory: Path) -> tuple[int, float]:
    """(events, seconds) for one stage over every recorded turn."""
    backend = _backend(created, bodies)
    chat_id = json.loads(created)["id"]
    count = 0
    try:
        if stage == "parse":
            started = time.perf_counter()
            for n in range(len(bodies)):
                async for _ in backend.send(chat_id, f"{PROMPTS[n % len(PROMPTS)]} #{n}"):
                    count += 1
            return count, time.perf_counter() - started
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
        started = time.perf_counter()
        for n in range(len(bodies)):
            await session.send(f"{PROMPTS[n % len(PROMPTS)]} #{n}")
        session.flush()
        if store is not None:
            store.flush()  # writes are the store's writer thread's: count them until they are on disk
        elapsed = time.perf_counter() - started
        if store is not None:
            store.close()
        return count, elapsed
    finally:
        await backend.aclose()


def run(runs: int = 3, turns: int = 40) -> dict[str, object]:
    created, bodies = record_turns(turns)
    results: dict[str, object] = {"turns": turns, "sse_bytes": sum(map(len, bodies))}
    rates: dict[str, list[float]] = {"parse": [], "reduce": [], "store": []}
    for _ in range(runs):
        # The stages take turns, so a change in the machine's load falls on all three alike.
        for stage, measured in rates.items():
            with tempfile.TemporaryDirectory() as directory:
                events, seconds = asyncio.run(_run(stage, created, bodies, Path(directory)))
            measured.append(events / seconds)
            results["events"] = events
    for stage, measured in rates.items():
        results[f"{stage}_events_per_s"] = median(measured)
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
