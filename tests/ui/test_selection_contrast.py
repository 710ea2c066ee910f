"""Selected text in the transcript reads in every theme: a selected "You" header was drawn in
the selection's own colour (the theme's primary, at half strength, under the header's primary or
secondary), near invisible. The selection's text colour is now the one that contrasts with its
background (black or white), for headers, replies and code alike.

The transcript is drawn under the app's own stylesheets (`TuiApp.CSS_PATH`), where the
selection's colours are set, in each theme the app offers (ours and Textual's)."""

from __future__ import annotations

from pathlib import Path

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style

from tests.ui.test_transcript_keys import WithFooter
from tests.ui.test_transcript_selection import select_across_two_replies
from tui_app.ui import app as app_module
from tui_app.ui.app import TuiApp
from tui_app.ui.themes import load_themes

UI = Path(app_module.__file__).parent
READABLE = 4.5
"""WCAG 2's contrast ratio for body text (AA): the selected text's colour against its background."""


class WithAppStyles(WithFooter):
    CSS_PATH = [str(UI / path) for path in TuiApp.CSS_PATH]  # type: ignore[union-attr]


def luminance(color: RichColor) -> float:
    """WCAG 2's relative luminance (an ANSI colour as Rich's standard palette draws it)."""

    def channel(value: int) -> float:
        value_01 = value / 255
        return value_01 / 12.92 if value_01 <= 0.03928 else ((value_01 + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(segment: Segment) -> float:
    assert segment.style is not None and segment.style.color is not None and segment.style.bgcolor is not None
    light, dark = sorted((luminance(segment.style.color), luminance(segment.style.bgcolor)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def segments_with(app: WithAppStyles, word: str, line_ends_with: bool = False) -> list[Segment]:
    """The drawn segments holding `word` on the last screen line that shows it."""
    lines = app.screen._compositor.render_strips()
    rows = [line for line in lines if (line.text.rstrip().endswith(word) if line_ends_with else word in line.text)]
    assert rows, f"{word!r} is not on screen"
    return [segment for segment in rows[-1] if word in segment.text]


def test_contrast_is_measured_as_wcag_does() -> None:
    assert round(contrast(Segment("x", Style(color="#000000", bgcolor="#ffffff"))), 1) == 21.0
    assert contrast(Segment("x", Style(color="#0178d4", bgcolor="#0178d4"))) == 1.0


async def test_a_selected_header_and_its_text_read_in_every_theme(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = WithAppStyles()
    async with app.run_test(size=(80, 24)) as pilot:
        for theme in load_themes().themes:
            app.register_theme(theme)
        await select_across_two_replies(pilot)  # from the first reply to the second: "You" between
        unreadable: list[str] = []
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            drawn = {
                "You": segments_with(app, "You", line_ends_with=True),  # the second question's header
                "Agent": segments_with(app, "Agent"),  # the second reply's header
                "reply text": segments_with(app, "It ends here"),
                "code": segments_with(app, "print"),
            }
            for what, segments in drawn.items():
                assert segments, f"{what} not drawn in {name}"
                ratio = min(contrast(segment) for segment in segments)
                if ratio < READABLE:
                    unreadable.append(f"{name}: selected {what} at {ratio:.2f}:1")
        assert len(app.available_themes) > 10 and {"tui-app-dark", "tui-app-light"} <= set(app.available_themes)
        assert unreadable == []
