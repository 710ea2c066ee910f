"""Probe: CPU of streaming one long reply into the transcript, headless at 100x40.

    PYTHONPATH=. python benchmarks/transcript_probe.py [--tokens 20000] [--rate 200] [--fps 30] [--designs transcript,markdownstream]

Prints, per design, CPU % of one core (process CPU time / wall time while streaming), how far
behind the producer the screen ended, and the cost of the last 10 % of tokens over the first
10 % (flat per token means ~1.0). A probe, not a test: it prints and never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

SIZE = (100, 40)

SECTION = """## Section {n}

A paragraph of prose that goes on for a while, with **bold**, `inline code` and a
[link](https://example.com/{n}), long enough to wrap at a hundred columns once or twice.

- a first point about item {n}
- a second point, somewhat longer than the first one
  - a nested point

```python
def step_{n}(values):
    total = 0
    for value in values:
        total += value * {n}
    return total
```

| name | value | note |
|------|------:|------|
| alpha | {n} | first |
| beta | {n}1 | second |

"""


def reply_tokens(count: int) -> list[str]:
    text = ""
    n = 0
    while len(text) < count * 4:
        n += 1
        text += SECTION.format(n=n)
    text = text[: count * 4]
    return [text[i : i + 4] for i in range(0, len(text), 4)]


class Probe(App[None]):
    CSS_PATH = str(Path(__file__).resolve().parent.parent / "tui_app" / "ui" / "widgets" / "transcript" / "transcript.tcss")

    def __init__(self, design: str) -> None:
        super().__init__()
        self.design = design

    def compose(self) -> ComposeResult:
        if self.design == "transcript":
            yield TranscriptView(id="transcript")
        else:
            with VerticalScroll(id="scroll"):
                yield Markdown(id="md")


def transcript_with(text: str, done: bool) -> Transcript:
    user = Message(id="u1", role="user", turn_id=None, parts=(Part("u1:text", "text", "go"),), completed=True)
    reply = Message(id="a1", role="assistant", turn_id="t1", parts=(Part("a1:text", "text", text),), completed=done)
    return Transcript(messages=(user, reply), turns=(Turn("t1", state="completed" if done else "running"),))


async def run_design(design: str, tokens: list[str], rate: float, fps: float = 30.0) -> dict[str, float]:
    app = Probe(design)
    marks: list[tuple[float, float]] = []  # (wall, cpu) at each tenth of the tokens
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stream = None
        if design == "markdownstream":
            app.query_one("#scroll").anchor()
            stream = Markdown.get_stream(app.query_one("#md", Markdown))
        view = app.query_one(TranscriptView) if design == "transcript" else None
        if view is not None:
            view.frame_rate = fps
        interval = 1 / rate if rate else 0
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        text = ""
        tenth = max(1, len(tokens) // 10)
        for index, token in enumerate(tokens):
            if index % tenth == 0:
                marks.append((time.perf_counter(), time.process_time()))
            text += token
            if view is not None:
                view.show(transcript_with(text, False))
            elif stream is not None:
                await stream.write(token)
            if interval:
                delay = start_wall + (index + 1) * interval - time.perf_counter()
                await asyncio.sleep(max(0.0, delay))
            elif index % 50 == 0:
                await asyncio.sleep(0)
        produced = time.perf_counter()
        if view is not None:
            view.show(transcript_with(text, True))
            while view.rendering:
                await asyncio.sleep(0.01)
        elif stream is not None:
            await stream.stop()
        await pilot.pause()
        marks.append((time.perf_counter(), time.process_time()))
        end_wall, end_cpu = time.perf_counter(), time.process_time()
    first = marks[1][1] - marks[0][1]
    last = marks[-1][1] - marks[-2][1]
    return {
        "cpu": 100 * (end_cpu - start_cpu) / (end_wall - start_wall),
        "wall": end_wall - start_wall,
        "behind": end_wall - produced,
        "last/first": last / first if first else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=200.0, help="tokens per second; 0 is as fast as possible")
    parser.add_argument("--designs", default="transcript,markdownstream")
    parser.add_argument("--fps", type=float, default=30.0, help="the transcript's frame rate")
    args = parser.parse_args()
    tokens = reply_tokens(args.tokens)
    print(f"{args.tokens} tokens of 4 characters at {args.rate or 'max'} tok/s, headless {SIZE[0]}x{SIZE[1]}")
    print(f"{'design':16} {'CPU % of a core':>16} {'wall s':>8} {'behind s':>9} {'last/first 10 %':>16}")
    for design in args.designs.split(","):
        result = asyncio.run(run_design(design, tokens, args.rate, args.fps))
        print(
            f"{design:16} {result['cpu']:16.1f} {result['wall']:8.1f} {result['behind']:9.2f} {result['last/first']:16.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
