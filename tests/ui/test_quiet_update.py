"""A Static redrawn per streamed token asks for a layout of the screen only when its size can
change (issue 16: the usage panel's per-token updates made most of a frame's layouts)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from tui_app.ui.widgets.quiet_update import update_quietly


class CountingStatic(Static):
    """Records what each refresh asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.refreshes: list[bool] = []

    def refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def, override]
        self.refreshes.append(layout)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class Holder(App[None]):
    def compose(self) -> ComposeResult:
        yield CountingStatic()


async def test_a_figure_that_moves_is_redrawn_without_a_layout_and_an_unchanged_one_not_at_all() -> None:
    app = Holder()
    async with app.run_test() as pilot:
        box = app.query_one(CountingStatic)
        update_quietly(box, "cost    $0.001677\noutput  104 tok")
        await pilot.pause()
        box.refreshes.clear()

        update_quietly(box, "cost    $0.001677\noutput  104 tok")
        assert box.refreshes == []  # nothing changed: nothing redrawn

        update_quietly(box, "cost    $0.001680\noutput  105 tok")
        assert box.refreshes == [False]  # the digits moved: a repaint, no layout
        await pilot.pause()
        assert "105 tok" in str(box.render())

        update_quietly(box, "cost    $0.001680\noutput  1,005 tok")
        assert box.refreshes[-1] is False  # a line longer, still within the width: no layout
        await pilot.pause()
        assert "1,005 tok" in str(box.render())

        update_quietly(box, "cost    $0.001680\noutput  105 tok\nentries 1")
        assert box.refreshes[-1] is True  # a line more: the widget grows, so a layout
        await pilot.pause()
        assert box.size.height == 3

        wide = "x" * (box.content_size.width + 1)
        update_quietly(box, f"cost    $0.001680\n{wide}\nentries 1")
        assert box.refreshes[-1] is True  # a line that wraps: the widget grows
        await pilot.pause()
        assert box.size.height == 4


async def test_a_widget_as_wide_as_its_content_is_laid_out_when_a_line_grows() -> None:
    app = Holder()
    async with app.run_test() as pilot:
        box = app.query_one(CountingStatic)
        box.styles.width = "auto"
        update_quietly(box, "output  99 tok")
        await pilot.pause()
        update_quietly(box, "output  100 tok")
        assert box.refreshes[-1] is True
        await pilot.pause()
        assert box.size.width == len("output  100 tok")


async def test_a_hidden_widget_asks_for_no_layout_and_shows_its_last_content_when_shown() -> None:
    # The usage panel's compact form is hidden on a tall terminal and updated with the rest:
    # with ten sessions streaming, its lines gaining one asked for a layout of the whole screen.
    app = Holder()
    async with app.run_test() as pilot:
        box = app.query_one(CountingStatic)
        update_quietly(box, "cost    $0.001677")
        await pilot.pause()
        box.display = False
        await pilot.pause()
        box.refreshes.clear()

        update_quietly(box, "cost    $0.001680\noutput  105 tok\nentries 1")
        assert box.refreshes == [False]  # a line more, but hidden: no room taken, no layout

        box.display = True  # shown again: laid out, at its new size
        await pilot.pause()
        assert box.size.height == 3
        assert "entries 1" in str(box.render())


async def test_markup_takes_no_room_a_styled_word_that_changes_within_the_width_is_not_laid_out() -> None:
    # The usage panel's "This turn  live" becoming "final": its markup is longer than the
    # column is wide, what it shows is not.
    app = Holder()
    async with app.run_test() as pilot:
        box = app.query_one(CountingStatic)
        box.styles.width = 20
        update_quietly(box, "[b]turn[/b]  [b $warning]live[/]")
        await pilot.pause()
        box.refreshes.clear()

        update_quietly(box, "[b]turn[/b]  [b $success]final[/]")
        assert box.refreshes == [False]
        await pilot.pause()
        assert str(box.render()) == "turn  final"
