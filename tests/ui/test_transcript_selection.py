"""Selecting the transcript with the mouse, clicking a link, opening a cut code line whole (issue 16).

The transcript's Markdown is drawn as cached lines; these drive it as a user does, with pilot
mouse events, and read what the app copied (`app.clipboard`) or started.
"""

from __future__ import annotations

import stat
import sys
import time
from pathlib import Path

from textual.widgets import TextArea

from tests.ui.test_transcript_keys import LONG_LINE, WithFooter, screen_text
from tests.ui.test_transcript_view import reply, settle, user
from tui_app.core.transcript import Part, Transcript, Turn
from tui_app.ui.flows.transcript_clicks import TranscriptClicks
from tui_app.ui.screens.code_dialog import CodeDialog
from tui_app.ui.screens.link_dialog import LinkDialog
from tui_app.ui.widgets.transcript.interactive_markdown import InteractiveMarkdown
from tui_app.ui.widgets.transcript.message_view import UserTextView
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView
from tui_app.workspace.link_opening import OPENER_VARIABLE

class Clickable(TranscriptClicks, WithFooter):
    """The transcript with the App's answers to its clicks (TuiApp has them through CockpitApp)."""


FIRST = "The first answer has **two** lines.\n\nIt ends here.\n"
SECOND = "The second answer:\n\n```python\nprint('done')\n```\n"


def two_replies() -> Transcript:
    messages = (
        user(0, "first question"),
        reply(0, Part("a0:t", "text", FIRST)),
        user(1, "second question"),
        reply(1, Part("a1:t", "text", SECOND)),
    )
    return Transcript(messages=messages, turns=(Turn("t0", state="completed"), Turn("t1", state="completed")))


def row_of(app, text: str) -> int:  # type: ignore[no-untyped-def]
    rows = screen_text(app).splitlines()
    return next(y for y, row in enumerate(rows) if text in row)


def column_of(app, text: str) -> int:  # type: ignore[no-untyped-def]
    return screen_text(app).splitlines()[row_of(app, text)].index(text)


async def drag(pilot, start: tuple[int, int], end: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    await pilot.mouse_down(offset=start)
    await pilot.hover(offset=(start[0] + 1, start[1]))
    await pilot.hover(offset=end)
    await pilot.mouse_up(offset=end)
    await pilot.pause()


async def select_across_two_replies(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    view = app.query_one(TranscriptView)
    view.show(two_replies())
    await settle(pilot, view)
    start = (column_of(app, "two"), row_of(app, "The first answer"))
    end = (column_of(app, "done") + len("done"), row_of(app, "print('done')"))
    await drag(pilot, start, end)


async def test_a_drag_across_two_replies_selects_and_copies_their_text(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        await select_across_two_replies(pilot)
        selected = app.screen.get_selected_text()
        assert selected is not None
        # The visible text, line for line: from the pointer's cell to the one before the cell
        # it was let go on; the headers and the user's message between the replies included.
        assert selected == "two lines.\n\nIt ends here.\nYou\nsecond question\nAgent\nThe second answer:\n\n\n print('done"
        assert all(view.text_selection is not None for view in app.query(InteractiveMarkdown))
        assert app.query(UserTextView).last().text_selection is not None
        view = app.query_one(TranscriptView)
        view.focus()
        await pilot.press("ctrl+c")
        assert app.clipboard == selected


async def test_the_selection_is_drawn_in_the_themes_selection_colours(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        await select_across_two_replies(pilot)
        first = app.query(InteractiveMarkdown).first()
        background = app.screen.get_component_rich_style("screen--selection").bgcolor
        line = first.render_line(0)
        colours = [segment.style.bgcolor for segment in line if segment.text.strip() and segment.style]
        assert background in colours  # "two lines." is marked
        assert colours[0] != background  # "The first answer has " is not


async def test_ctrl_c_with_nothing_selected_still_copies_the_selected_message(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(two_replies())
        await settle(pilot, view)
        view.focus()
        await pilot.pause()
        assert app.screen.get_selected_text() is None
        await pilot.press("ctrl+c")
        assert app.clipboard == SECOND  # the last message, as the agent wrote it


def opener_script(folder: Path) -> Path:
    """A stand-in for xdg-open that adds the address it was given to a file, a line per call."""
    script = folder / "opener"
    script.write_text(f"#!{sys.executable}\nimport sys, pathlib\nopen({str(folder / 'opened')!r}, 'a').write(sys.argv[1] + '\\n')\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


LINKED = "Read [the guide](https://example.com/guide?x=1) first.\n"


async def click_the_link(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    view = app.query_one(TranscriptView)
    view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", LINKED))), turns=(Turn("t0", state="completed"),)))
    await settle(pilot, view)
    await pilot.click(offset=(column_of(app, "the guide") + 2, row_of(app, "the guide")))
    await pilot.pause()


async def test_a_link_click_shows_the_address_and_opens_it_only_on_yes(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(OPENER_VARIABLE, str(opener_script(tmp_path)))
    opened = tmp_path / "opened"
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        await click_the_link(pilot)
        assert isinstance(app.screen, LinkDialog)
        assert "https://example.com/guide?x=1" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, LinkDialog)
        await click_the_link(pilot)
        assert isinstance(app.screen, LinkDialog)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, LinkDialog)
    for _ in range(500):  # the opener runs detached: wait for the file it writes
        if opened.exists() and opened.read_text().endswith("\n"):
            break
        time.sleep(0.01)
    # Once: on the yes. The no came first, so an opener it had started would have written first.
    assert opened.read_text().splitlines() == ["https://example.com/guide?x=1"]


WIDE = f"Run this:\n\n```python\n{LONG_LINE}\nshort()\n```\n"


async def test_a_cut_code_line_clicked_opens_its_block_whole_and_scrolls_to_its_end(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", WIDE))), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        assert "# the end" not in screen_text(app)
        await pilot.click(offset=(column_of(app, "result = compute(") + 3, row_of(app, "result = compute(")))
        await pilot.pause()
        assert isinstance(app.screen, CodeDialog)
        area = app.screen.query_one(TextArea)
        assert area.text == f"{LONG_LINE}\nshort()"
        assert "# the end" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert area.scroll_x > 0
        assert "# the end" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == f"{LONG_LINE}\nshort()\n"  # the block as the agent wrote it
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CodeDialog)


TALL = "\n\n".join(f"Paragraph {n} of a reply taller than the screen." for n in range(30)) + "\n"


async def test_a_click_or_drag_in_a_reply_taller_than_the_screen_leaves_the_text_where_it_is(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A click selected its message and scrolled to the message's top: the text moved under the
    # pointer. A terminal's drag within one reply ends in such a click too (the pilot sends none
    # after `mouse_up`, so the click is sent here with the widget it lands on, as the driver does).
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TranscriptView)
        view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", TALL))), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        bottom = view.scroll_y
        assert bottom > 0 and "Paragraph 29" in screen_text(app)
        markdown = app.query(InteractiveMarkdown).last()
        start = (column_of(app, "Paragraph 27"), row_of(app, "Paragraph 27"))
        end = (column_of(app, "Paragraph 28") + len("Paragraph 28"), row_of(app, "Paragraph 28"))
        await drag(pilot, start, end)
        origin = markdown.region.offset
        await pilot.click(markdown, offset=(end[0] - origin.x, end[1] - origin.y))
        await pilot.pause()
        assert view.scroll_y == bottom
        assert "Paragraph 29" in screen_text(app)


async def test_in_the_app_a_link_in_a_streamed_reply_opens_on_yes(connection, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The demo agent quotes the message back, link and all: a reply from the embedded server.
    from tests.conftest import wait_until
    from tui_app.ui.app import TuiApp
    from tui_app.ui.widgets.composer import Composer

    monkeypatch.setenv(OPENER_VARIABLE, str(opener_script(tmp_path)))
    opened = tmp_path / "opened"
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        app.query_one(Composer).insert("read [the guide](https://example.com/guide) please")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.state == "ready" and "You said" in screen_text(app))  # type: ignore[union-attr]
        await pilot.click(offset=(column_of(app, "You said") + len("You said “read "), row_of(app, "You said")))
        await pilot.pause()
        assert isinstance(app.screen, LinkDialog)
        await pilot.press("y")
        await pilot.pause()
    for _ in range(500):
        if opened.exists() and opened.read_text().endswith("\n"):
            break
        time.sleep(0.01)
    assert opened.read_text().splitlines() == ["https://example.com/guide"]


async def test_a_drag_through_opened_reasoning_ends_where_the_pointer_is_let_go(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The selection's offsets were put in the line's segments before the highlight split them:
    # a highlighted piece kept its segment's first offset, and the drag's end read as column 0.
    from tui_app.ui.widgets.transcript.message_view import ReasoningView

    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = Clickable()
    async with app.run_test(size=(80, 16)) as pilot:
        view = app.query_one(TranscriptView)
        parts = (Part("r", "reasoning", "I should think **hard** about this.\n\nSecond thought."), Part("t", "text", "Done.\n\nMore."))
        view.show(Transcript(messages=(user(0), reply(0, *parts)), turns=(Turn("t0", state="completed"),)))
        await settle(pilot, view)
        app.query_one(ReasoningView).collapsed = False
        await settle(pilot, view)
        await drag(pilot, (column_of(app, "question 0"), row_of(app, "question 0")), (column_of(app, "Done.") + 4, row_of(app, "Done.")))
        assert app.screen.get_selected_text() == "question 0\nAgent\nI should think hard about this.\n\nSecond thought.\nDone"


async def test_without_an_opener_the_link_is_shown_and_nothing_is_started(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(OPENER_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no xdg-open, no open
    app = Clickable()
    async with app.run_test(size=(80, 24)) as pilot:
        await click_the_link(pilot)
        assert isinstance(app.screen, LinkDialog)
        shown = screen_text(app)
        assert "https://example.com/guide?x=1" in shown and "No program to open links" in shown
        await pilot.press("y")  # nothing to open it with: the dialog closes, nothing is started
        await pilot.pause()
        assert not isinstance(app.screen, LinkDialog)
