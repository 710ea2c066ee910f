"""Selected code keeps its syntax colours where they read on the selection's background (WCAG's
4.5:1), and turns black or white only where they would not (test_selection_contrast.py holds the
contrast in every theme). Every selected character was drawn black or white before, so a
selected block of Python lost its keywords' colours."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.segment import Segment

from tests.ui.test_selection_contrast import READABLE, WithAppStyles, luminance
from tests.ui.test_transcript_selection import column_of, drag
from tests.ui.test_transcript_view import reply, settle, user
from tui_app.core.transcript import Part, Transcript, Turn
from tui_app.ui.themes import load_themes
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

CODE = "Twice the same code:\n\n```python\nwhile ready:\n    pass\n```\n"
BLACK_OR_WHITE = {(0, 0, 0), (255, 255, 255)}


def ratio(one: RichColor, other: RichColor) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def keyword_segments(app: WithAppStyles) -> tuple[Segment, Segment]:
    """The keyword `while` as drawn in the first reply (not selected) and in the second (selected)."""
    rows = [line for line in app.screen._compositor.render_strips() if "while ready" in line.text]
    assert len(rows) == 2
    unselected, selected = ([segment for segment in row if "while" in segment.text][0] for row in rows)
    return unselected, selected


async def test_a_selected_keyword_keeps_its_colour_where_it_reads_on_the_selection(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = WithAppStyles()
    async with app.run_test(size=(80, 24)) as pilot:
        for theme in load_themes().themes:
            app.register_theme(theme)
        view = app.query_one(TranscriptView)
        messages = (user(0, "first"), reply(0, Part("a0:t", "text", CODE)), user(1, "again"), reply(1, Part("a1:t", "text", CODE)))
        view.show(Transcript(messages=messages, turns=(Turn("t0", state="completed"), Turn("t1", state="completed"))))
        await settle(pilot, view)
        drawn = [line.text for line in app.screen._compositor.render_strips()]
        start = (column_of(app, "while"), max(y for y, text in enumerate(drawn) if "while ready" in text))
        end = (column_of(app, "pass") + len("pass"), max(y for y, text in enumerate(drawn) if "    pass" in text))
        await drag(pilot, start, end)
        kept: list[str] = []
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            unselected, selected = keyword_segments(app)
            assert unselected.style and selected.style and unselected.style.color and selected.style.color
            background = app.screen.get_component_rich_style("screen--selection").bgcolor
            assert background is not None and selected.style.bgcolor == background  # it is selected
            own = unselected.style.color
            if ratio(own, background) >= READABLE:
                assert selected.style.color.get_truecolor() == own.get_truecolor(), name
                kept.append(name)
            else:
                assert tuple(selected.style.color.get_truecolor()) in BLACK_OR_WHITE, name
        assert len(kept) >= 3, kept
