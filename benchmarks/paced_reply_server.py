"""A Case.dev-compatible server, in a process of its own, that answers every message with the
benchmark's Markdown reply at a steady pace (for `pty_stream`, which measures the client alone).

    python -m benchmarks.paced_reply_server TOKENS RATE [MARKER]

Prints `port N` once it listens, then `start T` and `end T` (perf_counter-free wall clock,
`time.time()`) around each reply it streams. Frames carry the delta only, as `long_reply_bench`
does: the client's parse of whole-text frames is the pipeline's target, not the screen's.
(`tui-app serve --speed N` cannot be used: its demo agent's replies are about 150 tokens.)
A MARKER is streamed last, as a paragraph of its own, for `pty_stream` to see when the reply's end
reaches the terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

from benchmarks.common import reply_text, tokens_of
from tests.hostile_server import HostileServer, Reply, Script, sse


def paced_frames(tokens: list[str], rate: float) -> Iterator[bytes]:
    yield sse("turn.started", {"turnId": "t1", "chatId": "chat_h"}, 1)
    yield sse("message.created", {"turnId": "t1", "messageId": "m1", "role": "assistant"}, 2)
    started = time.time()
    print(f"start {started}", flush=True)
    seq = 3
    for index, token in enumerate(tokens):
        # The server's loop does nothing else in this process: sleeping in the generator paces it.
        delay = started + index / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        part = {"id": "p1", "type": "text"}
        if index == len(tokens) - 1:
            # Taken as the last token is handed to the server, not when the generator is next
            # resumed: that waits for the server's loop, and under load came after the app drew it.
            print(f"end {time.time()}", flush=True)
        yield sse("message.part.updated", {"turnId": "t1", "messageId": "m1", "partId": "p1", "part": part, "delta": token}, seq)
        seq += 1
    yield sse("message.completed", {"turnId": "t1", "messageId": "m1", "finish": "stop"}, seq)
    yield sse("turn.completed", {"turnId": "t1", "status": "completed"}, seq + 1)


def main() -> None:
    count, rate = int(sys.argv[1]), float(sys.argv[2])
    tokens = tokens_of(reply_text(count))
    if len(sys.argv) > 3:
        tokens += ["\n\n", *tokens_of(sys.argv[3])]  # the marker ends the reply: its last token completes it
    script = Script(respond=Reply(chunks=lambda: paced_frames(tokens, rate)))
    with HostileServer(script) as server:
        print(f"port {server.port}", flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin


if __name__ == "__main__":
    main()
