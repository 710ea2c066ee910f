"""What keeps a streamed frame cheap: no order-dependent CSS rule reaching the transcript."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.widgets import Markdown

import tui_app.ui
from tests.conftest import wait_until
from tui_app.core import transcript as reducer
from tui_app.core.events import MessageCompleted, MessageCreated, PartUpdated, TurnStarted, UserMessageSent
from tui_app.core.transcript import Transcript
from tui_app.ui.app import TuiApp
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
        await wait_until(pilot, lambda: not view.rendering and len(view.query("MarkdownTable")) > 0)
        # Every kind of block as a widget at once (streaming freezes all but the last two).
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
