"""How fast the session store takes events, and how fast sessions reopen.

    python -m benchmarks.store_bench   (also part of `python -m benchmarks`, target 7)

Prints figures; asserts nothing (benchmarks are not tests). Each figure is the median of 3 runs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tui_app.backends.base import AgentBackend, Capabilities, RemoteSession
from tui_app.core.events import (
    DomainEvent,
    MessageCompleted,
    MessageCreated,
    PartUpdated,
    TurnCompleted,
    TurnStarted,
    Usage,
    UsageEntry,
    UsageReported,
    UserMessageSent,
)
from tui_app.workspace.session_controller import SessionController
from tui_app.persistence.store import SessionRecord, Store

REPLY = "A reply of a few sentences, with **Markdown** and a list:\n\n- one\n- two\n\n" * 4


def record(session_id: str) -> SessionRecord:
    now = time.time()
    return SessionRecord(session_id, "local", f"chat_{session_id}", session_id, None, "ready", "micros", now, now)


def streamed_turn(n: int) -> list[DomainEvent]:
    """One turn as the client stores it while streaming: one event per token."""
    turn, message, part = f"t{n}", f"m{n}", f"p{n}"
    events: list[DomainEvent] = [UserMessageSent(f"u{n}", f"question {n}"), TurnStarted(turn), MessageCreated(turn, message)]
    text = ""
    for token in REPLY.split(" "):
        text += token + " "
        events.append(PartUpdated(turn, message, part, "text", text=text, delta=token + " "))
    usage = Usage("m", 100, 60, 1_500, 1_500, (UsageEntry(f"{turn}:llm", "llm", 1_500),))
    return [*events, MessageCompleted(turn, message), UsageReported(turn, usage), TurnCompleted(turn, "completed")]


def finished_turn(n: int) -> list[DomainEvent]:
    events = streamed_turn(n)
    return [e for e in events if not isinstance(e, PartUpdated)][:3] + [
        [e for e in events if isinstance(e, PartUpdated)][-1],
        *events[-3:],
    ]


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def store_throughput(burst: int) -> float:
    """Events per second when written in transactions of `burst` events (1 = one per event)."""
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "bench.db")
        store.save_session(record("s"))
        events = [e for n in range(20) for e in streamed_turn(n)]
        started = time.perf_counter()
        for start in range(0, len(events), burst):
            store.append_events("s", events[start : start + burst], last_event_id=start)
        store.flush()  # writes are the store's writer thread's: count them until they are on disk
        elapsed = time.perf_counter() - started
        store.close()
    return len(events) / elapsed


class _Offline(AgentBackend):
    """Restoring reads only the store; no network is involved."""

    name = "local"
    capabilities = Capabilities()

    async def create_session(self, title: str | None = None, model: str | None = None) -> RemoteSession:
        raise NotImplementedError

    def send(self, session_id: str, text: str):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    async def aclose(self) -> None:
        pass


def reopen_time(sessions: int, messages: int) -> float:
    """Seconds to open the store and rebuild every session's transcript and costs."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.db"
        store = Store(path)
        for s in range(sessions):
            store.save_session(record(f"s{s}"))
            store.append_events(f"s{s}", [e for n in range(messages // 2) for e in finished_turn(n)])
        store.close()
        started = time.perf_counter()
        store = Store(path)
        restored = [SessionController.restore(r, _Offline(), store) for r in store.sessions()]
        elapsed = time.perf_counter() - started
        assert sum(len(s.transcript.messages) for s in restored) == sessions * messages
        store.close()
    return elapsed


def main() -> None:
    print("store throughput (events per second, median of 3):")
    for burst in (1, 8, 64):
        print(f"  {burst:>3} event(s) per transaction: {median_of(3, lambda: store_throughput(burst)):>10,.0f}")
    print("  (a reply streamed at 200 tokens/s, flushed every frame at 30 fps, is ~7 events per transaction)")
    seconds = median_of(3, lambda: reopen_time(20, 500))
    print(f"reopen 20 sessions of 500 messages each: {seconds * 1000:,.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
