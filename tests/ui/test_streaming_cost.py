"""What keeps a streamed frame cheap: no order-dependent CSS rule reaching the transcript, and
lists, quotes and headings committed at line boundaries (line_gate.py)."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widgets import Markdown

import tui_app.ui
from tests.conftest import wait_until
from tui_app.core import transcript as reducer
from tui_app.core.events import MessageCompleted, MessageCreated, PartUpdated, TurnStarted, UserMessageSent
from tui_app.core.transcript import Transcript
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.transcript.line_gate import commit_length
from tui_app.ui.widgets.transcript.streaming_markdown import StreamingMarkdown
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

ORDER_PSEUDO_CLASSES = {"first-of-type", "last-of-type", "first-child", "last-child", "empty", "odd", "even"}
EVERY_BLOCK = """# Heading

A paragraph with **bold**.

- item one
  1. nested

> a quote

```python
x = 1
```

| a | b |
|---|---|
| 1 | 2 |
"""
PARSER = MarkdownIt("gfm-like")


class TranscriptOnly(App[None]):
    """The transcript styled by the app's own stylesheets."""

    CSS_PATH = [Path(tui_app.ui.__file__).parent / path for path in TuiApp.CSS_PATH]

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")


def selector_names(node: DOMNode) -> set[str]:
    """The names a stylesheet rule is looked up by for `node` (as Textual matches them)."""
    names = {"*", *(f".{name}" for name in node.classes)}
    names |= {cls.__name__ for cls in type(node).__mro__ if issubclass(cls, DOMNode)}
    if node.id is not None:
        names.add(f"#{node.id}")
    return names


async def test_no_order_dependent_rule_can_reach_a_transcript_widget() -> None:
    # Textual re-applies every style of a widget's subtree, for each sibling, whenever a widget is
    # mounted next to it and a `:last-child`-like rule *might* apply to it: an unused
    # `.message-body > *:last-child` rule made that true of every widget, and cost a third of the
    # streaming CPU in restyling.
    app = TranscriptOnly()
    async with app.run_test(size=(100, 60)) as pilot:
        transcript = Transcript()
        for event in (
            UserMessageSent("u1", "Show every block."), TurnStarted("t1"), MessageCreated("t1", "m1"),
            PartUpdated("t1", "m1", "p1", "text", EVERY_BLOCK, None),
        ):
            transcript = reducer.apply(transcript, event)
        view = app.query_one(TranscriptView)
        view.show(transcript)
        await wait_until(pilot, lambda: not view.rendering and len(view.query(StreamingMarkdown)) > 0)
        # Every kind of block as a widget at once (the transcript draws them as lines, but a rule
        # must not reach a Markdown widget placed anywhere either).
        await app.screen.mount(Markdown(EVERY_BLOCK, classes="stream-tail"))
        await wait_until(pilot, lambda: len(app.query("MarkdownBlockQuote")) > 0)
        view.show(reducer.apply(transcript, MessageCompleted("t1", "m1")))
        await wait_until(pilot, lambda: not view.rendering)
        widgets = list(app.screen.walk_children())
        assert len(widgets) > 10
        ordered = [rule for rule in app.stylesheet.rules if rule.pseudo_classes & ORDER_PSEUDO_CLASSES]
        reached = {
            (type(widget).__name__, str(sorted(rule.selector_names)))
            for widget in widgets
            for rule in ordered
            if rule.selector_names & selector_names(widget)
        }
        assert reached == set()


def test_a_paragraph_takes_every_character() -> None:
    assert commit_length(PARSER, "Some text", " and mo") == len(" and mo")


def test_a_fence_and_a_table_take_every_character() -> None:
    assert commit_length(PARSER, "```python\nx = 1\n", "y = ") == 4
    assert commit_length(PARSER, "| a | b |\n|---|---|\n", "| 1 |") == 5


def test_a_list_item_being_written_waits_for_its_line_to_end() -> None:
    assert commit_length(PARSER, "- one\n", "- tw") == 0
    assert commit_length(PARSER, "- one\n- tw", "o\n- thr") == len("o\n")
    assert commit_length(PARSER, "- one\n", "- two\n") == len("- two\n")


def test_a_quote_or_heading_being_written_waits_for_its_line_to_end() -> None:
    assert commit_length(PARSER, "> a quo", "te goes") == 0
    assert commit_length(PARSER, "Intro.\n\n", "# Head") == 0


def test_a_paragraph_after_a_finished_list_is_not_held() -> None:
    assert commit_length(PARSER, "- one\n", "\nAfter the li") == len("\nAfter the li")


class Holder(App[None]):
    def compose(self) -> ComposeResult:
        yield Vertical(id="holder")


async def test_a_held_line_is_shown_when_it_ends_or_when_its_timer_releases_it() -> None:
    app = Holder()
    async with app.run_test(size=(72, 40)) as pilot:
        streaming = StreamingMarkdown()
        await app.query_one("#holder").mount(streaming)
        await streaming.set_text("Intro.\n\n- one\n- tw")
        assert streaming.committed == "Intro.\n\n- one\n"
        await streaming.set_text("Intro.\n\n- one\n- two\n")
        assert streaming.committed == "Intro.\n\n- one\n- two\n"

        # A line that stops growing mid-way is shown anyway, once its hold ends.
        await streaming.set_text("Intro.\n\n- one\n- two\n- thr")
        assert streaming.committed.endswith("- two\n")
        await wait_until(pilot, lambda: streaming.committed.endswith("- thr"))

        # The end of the reply is never held.
        await streaming.set_text("Intro.\n\n- one\n- two\n- three, the last", final=True)
        await wait_until(pilot, lambda: streaming.live_block_count == 0 and streaming.frozen_line_count > 0)
