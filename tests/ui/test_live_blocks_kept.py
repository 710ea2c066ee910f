"""What a streamed reply keeps rendered besides its lines (issue 16: the peak RSS).

The live tail's rendered blocks are kept so that a block that did not change since the last
frame is not rendered again; a block that grew is never asked for again as it was, so only the
live blocks and the one a frame replaces are kept (eight were, each with its strips and every
strip drawn from them). Rich's `Markdown` made a parser, with markdown-it's link matcher, for
every block drawn; the transcript's parses with the one parser. Counted, not timed."""

from __future__ import annotations

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from benchmarks.transcript_probe import reply_tokens
from tui_app.ui.widgets.transcript import markdown_lines
from tui_app.ui.widgets.transcript.markdown_lines import LIVE_KEPT, Look, render_markdown
from tui_app.ui.widgets.transcript.rich_markdown import TranscriptMarkdown
from tui_app.ui.widgets.transcript.streaming_markdown import LIVE_BLOCKS, StreamingMarkdown


class OneDocument(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield StreamingMarkdown()


async def test_a_stream_keeps_its_live_blocks_rendered_and_no_older_versions_of_them() -> None:
    tokens = reply_tokens(1500)
    app = OneDocument()
    most = 0
    async with app.run_test(size=(100, 40)) as pilot:
        markdown = app.query_one(StreamingMarkdown)
        text = ""
        for start in range(0, len(tokens), 5):
            text += "".join(tokens[start : start + 5])
            await markdown.set_text(text)
            await pilot.pause()
            most = max(most, len(markdown._cache))
        await markdown.set_text(text, final=True)
        await pilot.pause()
        assert LIVE_KEPT == LIVE_BLOCKS + 1
        assert most == LIVE_KEPT  # (eight before)
        assert len(markdown._cache) == 0  # the reply complete, nothing is live


def test_the_transcripts_markdown_is_parsed_by_one_parser_as_rich_would_parse_it(monkeypatch) -> None:
    made: list[object] = []
    real_init = MarkdownIt.__init__

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(self)
        real_init(self, *args, **kwargs)

    source = "# Title\n\nSome *text* with a [link](https://example.com).\n\n```python\nprint(1)\n```\n\n- a\n- b\n"
    console = Console(width=80, color_system="truecolor")
    from tui_app.ui.widgets.transcript import rich_markdown  # noqa: F401  (its PARSER made before counting)

    monkeypatch.setattr(MarkdownIt, "__init__", counted)
    lines = render_markdown(console, source, Look(80, "monokai"))
    assert lines and made == []  # (one per block drawn before: five here)
    monkeypatch.undo()
    # What Rich's own `Markdown` would hold, attribute for attribute.
    ours, rich = vars(TranscriptMarkdown(source, code_theme="default")), vars(Markdown(source, code_theme="default"))
    assert ours.keys() == rich.keys()
    assert {name: value for name, value in ours.items() if name != "parsed"} == {name: value for name, value in rich.items() if name != "parsed"}
    assert ours["parsed"] == rich["parsed"]
    assert markdown_lines.render_block(console, source, Look(80, "monokai"))  # still renders whole
