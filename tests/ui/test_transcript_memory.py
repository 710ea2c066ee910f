"""A long session followed turn after turn holds strips for what is on screen, not per message
(issue 16: RSS over 50 turns flat). Each Textual `Strip` carries seven caches and keeps every
strip derived from it; the transcript kept each mounted message's lines as strips, styled and
with offsets, and Textual kept every line it had drawn: about half a megabyte a message."""

from __future__ import annotations

import gc

from textual.app import App, ComposeResult
from textual.strip import Strip

from tests.ui.test_transcript_view import CSS, settle
from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.ui.widgets.transcript import message_window
from tui_app.ui.widgets.transcript.message_window import FOLLOW_KEPT, PAGE
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

SIZE = (100, 30)
TURNS = 46


class Harness(App[None]):
    CSS_PATH = str(CSS)

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")


def long_reply(n: int) -> str:
    """About sixty lines of Markdown: paragraphs, a list, a code block, a table."""
    paragraph = f"Turn {n}: " + " ".join(f"word{i}" for i in range(60))
    items = "\n".join(f"- item {i} of turn {n}, with `code` and **bold**" for i in range(10))
    code = "\n".join(f"print('turn {n}, line {i}')" for i in range(12))
    table = "| a | b |\n|---|---|\n" + "\n".join(f"| {n} | {i} |" for i in range(6))
    return f"{paragraph}\n\n{items}\n\n```python\n{code}\n```\n\n{table}\n\n{paragraph}\n"


def session(turns: int) -> Transcript:
    messages: list[Message] = []
    for n in range(turns):
        messages.append(Message(f"u{n}", "user", None, (Part(f"u{n}:t", "text", f"question {n}"),), completed=True))
        messages.append(Message(f"a{n}", "assistant", f"t{n}", (Part(f"a{n}:t", "text", long_reply(n)),), True))
    return Transcript(messages=tuple(messages), turns=tuple(Turn(f"t{n}", state="completed") for n in range(turns)))


def live_strips() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Strip))


async def follow(turns: int) -> tuple[int, int, int]:
    """Follow a session growing turn after turn: (most messages mounted, mounted at the end,
    strips alive at the end)."""
    app = Harness()
    most = 0
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        for grown in range(1, turns + 1):
            view.show(session(grown))
            await settle(pilot, view)
            most = max(most, view.mounted_messages)
        assert view.following
        return most, view.mounted_messages, live_strips()


async def test_following_many_long_turns_keeps_strips_for_the_screen_not_per_message(monkeypatch) -> None:
    # Every message up to the bound kept mounted, as before the window followed the screen.
    monkeypatch.setattr(message_window, "FOLLOW_SCREENS_ABOVE", 1000, raising=False)
    # Counted from here: apps of earlier tests in this worker leave strips in Textual's caches.
    before = live_strips()
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        for turns in range(1, TURNS + 1):
            view.show(session(turns))
            await settle(pilot, view)
        assert view.following
        mounted = view.mounted_messages
        strips = live_strips() - before
    # Before: 4,314 strips alive for 27 mounted messages of about 60 lines each (their lines as
    # strips, styled, with offsets, and every line Textual had drawn); now about 1,000, what the
    # screen's 30 rows and Textual's own copies of them hold.
    assert mounted >= 20
    assert strips <= 40 * SIZE[1], f"{strips} strips alive for {mounted} messages mounted"


async def test_while_following_only_a_screen_above_the_one_shown_stays_mounted() -> None:
    most, mounted, _ = await follow(TURNS)
    # A reply here is about 60 rows, the screen 30: the one shown, the one above and the question
    # between them. Before: 15 to 30 messages mounted.
    assert 2 <= mounted <= most <= 6
    assert most < FOLLOW_KEPT + PAGE
