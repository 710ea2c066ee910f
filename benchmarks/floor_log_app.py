"""The toolkit's floor for `pty_stream`: a bare Textual app that appends the benchmark's reply to
a `Log`, token by token at a steady pace, under an input (whose cursor blinks, as the composer's).

    python -m benchmarks.floor_log_app TOKENS RATE DELAY

Starts appending DELAY seconds after launch, so the benchmark can measure the same window.
"""

from __future__ import annotations

import sys
import time

from textual.app import App, ComposeResult
from textual.widgets import Input, Log

from benchmarks.common import reply_text, tokens_of


class FloorApp(App[None]):
    def __init__(self, tokens: list[str], rate: float, delay: float) -> None:
        super().__init__()
        self.tokens, self.rate, self.delay = tokens, rate, delay
        self.sent = 0
        self.started = 0.0

    def compose(self) -> ComposeResult:
        yield Log()
        yield Input()

    def on_mount(self) -> None:
        self.started = time.time() + self.delay
        self.set_interval(1 / self.rate, self.tick)

    def tick(self) -> None:
        due = min(len(self.tokens), int((time.time() - self.started) * self.rate) + 1)
        if due > self.sent:
            self.query_one(Log).write("".join(self.tokens[self.sent : due]))
            self.sent = due


if __name__ == "__main__":
    FloorApp(tokens_of(reply_text(int(sys.argv[1]))), float(sys.argv[2]), float(sys.argv[3])).run()
