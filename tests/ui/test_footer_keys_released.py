"""The footer lets go of the keys it replaced (issue 16).

Textual 8.2.8's `Footer` recomposes whenever the bindings change and kept every key it had ever
composed alive (each watched the footer's `compact`, a list pruned only when `compact` changes):
the app's memory grew with every focus move and every turn (a check_action's answer changes)."""

from __future__ import annotations

import gc

from textual.app import App, ComposeResult
from textual.widgets import Input

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.widgets.composer import Composer
from tui_app.ui.widgets.footer import Footer
from tui_app.ui.widgets.session_sidebar import SessionSidebar

CHANGES = 40


def live_footer_keys() -> int:
    """Footer keys anywhere in memory (by type name: the class is in a private module of Textual)."""
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing).__name__ == "FooterKey")


def shown_footer_keys(app: App[object]) -> int:
    return sum(1 for screen in app.screen_stack for node in screen.query("*") if type(node).__name__ == "FooterKey")


class Toggling(App[None]):
    BINDINGS = [("ctrl+x", "x", "X"), ("ctrl+y", "y", "Y")]
    enabled = False

    def compose(self) -> ComposeResult:
        yield Input()
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.enabled if action == "x" else True


async def test_binding_changes_leave_only_the_keys_shown() -> None:
    # Counted from here: a test run before this one in the same worker may have left some.
    before = live_footer_keys()
    app = Toggling()
    async with app.run_test() as pilot:
        for _ in range(CHANGES):
            app.enabled = not app.enabled
            app.refresh_bindings()
            await pilot.pause(0.02)
        await pilot.pause()
        shown = shown_footer_keys(app)
        assert shown >= 2
        # Textual's own Footer: 2 + CHANGES keys alive here.
        assert live_footer_keys() - before <= shown


async def test_the_app_footer_does_not_grow_as_focus_moves(connection: Connection) -> None:
    before = live_footer_keys()
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        for _ in range(CHANGES // 2):
            app.query_one(SessionSidebar).focus()
            await pilot.pause(0.02)
            app.query_one(Composer).focus()
            await pilot.pause(0.02)
        await pilot.pause()
        shown = shown_footer_keys(app)
        assert shown > 0
        # Textual's own Footer: 201 keys alive here for 9 shown.
        assert live_footer_keys() - before <= shown


class Offering(App[None]):
    BINDINGS = [("f2", "two", "Two"), ("f3", "three", "Three")]
    offered = False

    def compose(self) -> ComposeResult:
        yield Input()
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.offered if action == "two" else True


async def test_the_footer_is_recomposed_only_when_the_keys_it_shows_change() -> None:
    app = Offering()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(Footer)
        start, keys = footer.recomposed, shown_footer_keys(app)
        for _ in range(10):
            app.refresh_bindings()  # asked, as the app does at each state of a turn: nothing moved
            await pilot.pause(0.02)
        assert footer.recomposed == start
        app.offered = True
        app.refresh_bindings()
        await pilot.pause(0.05)
        await pilot.pause()
        assert footer.recomposed == start + 1
        assert shown_footer_keys(app) == keys + 1  # F2 is shown now
