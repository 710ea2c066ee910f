"""The inbox of questions (F6) against the embedded server: questions from three sessions,
answered in place with the same dialog, deferred, and jumped to (to read first: the dialog waits
for the answer key); the sidebar counts them."""

from __future__ import annotations

from textual.widgets import DataTable, Label, RadioButton, Static

from tests.conftest import wait_until
from tui_app.backends.connection import Connection
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.inbox import InboxScreen, waited_text
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.widgets.session_row import row_content
from tui_app.ui.widgets.session_sidebar import SessionSidebar
from tui_app.workspace.session_controller import SessionController


async def three_asking(app: TuiApp, pilot) -> list[SessionController]:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
    home = app.current
    made = [app.new_session(title) for title in ("Alpha", "Beta", "Gamma")]
    await wait_until(pilot, lambda: all(s.state == "ready" for s in made))
    await pilot.press("ctrl+g", "1")  # back to the first session: the three ask in the background
    await wait_until(pilot, lambda: app.current is home)
    for session in made:
        app.workspace.start_send(session, "ask me")
        await wait_until(pilot, lambda: session.state == "asking")  # in this order: oldest first
    return made


def session_title(app: TuiApp) -> str:
    return str(app.query_one("#session-title", Static).render())


def row_text(app: TuiApp, session: SessionController) -> str:
    return row_content(session, app.current is session, False, 30).plain


def sidebar_title(app: TuiApp) -> str:
    return str(app.query_one("#sessions-title", Label).render())


async def test_questions_from_three_sessions_answered_deferred_and_jumped_to_in_place(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(120, 40)) as pilot:
        alpha, beta, gamma = await three_asking(app, pilot)
        await wait_until(pilot, lambda: sidebar_title(app) == "Sessions · ? 3 waiting")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen))
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert [w.session for w in inbox.shown] == [alpha, beta, gamma]
        table = inbox.query_one(DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(3)] == ["Alpha", "Beta", "Gamma"]
        assert str(table.get_row_at(0)[2]) == "How long should my answer be?"

        # Answer Alpha's here, with the same dialog as on its own screen.
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.armed)  # type: ignore[attr-defined]
        await pilot.click(RadioButton)  # Short
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: alpha.state == "ready" and app.screen is inbox)
        assert "You answered my question: Short." in alpha.transcript.messages[-1].text
        await wait_until(pilot, lambda: [w.session for w in inbox.shown] == [beta, gamma])
        await wait_until(pilot, lambda: sidebar_title(app) == "Sessions · ? 2 waiting")

        # Defer Beta's: it keeps waiting, marked, and its transcript says so.
        await pilot.press("d")
        await wait_until(pilot, lambda: str(table.get_row_at(0)[3]) == "deferred")
        assert beta.state == "asking" and [w.session for w in inbox.shown] == [beta, gamma]
        assert "deferred" in beta.transcript.messages[-1].display_text

        # Jump to Gamma's session to read first: the inbox closes and no dialog hides the
        # transcript; the question keeps waiting, counted and marked, until the answer key.
        await pilot.press("down", "j")
        await wait_until(pilot, lambda: app.current is gamma and session_title(app).startswith("Gamma"))
        await pilot.pause()
        assert not isinstance(app.screen, QuestionDialog)
        assert not any(isinstance(s, InboxScreen) for s in app.screen_stack)
        assert gamma.state == "asking"
        await wait_until(pilot, lambda: sidebar_title(app) == "Sessions · ? 2 waiting")
        assert "?" in row_text(app, gamma)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.armed)  # type: ignore[attr-defined]
        await pilot.click(RadioButton)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: gamma.state == "ready" and sidebar_title(app) == "Sessions · ? 1 waiting")


async def test_a_question_held_to_read_first_stays_held_across_switches(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        alpha, beta, _gamma = await three_asking(app, pilot)
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen))
        await pilot.press("j")  # Alpha's, the oldest
        await wait_until(pilot, lambda: app.current is alpha and session_title(app).startswith("Alpha"))
        # Away to Beta (its question was not held: it opens as Beta comes on screen) and back.
        app.post_message(SessionSidebar.Chosen(beta.id))
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog) and app.screen.armed)
        await pilot.press("escape")  # later
        await wait_until(pilot, lambda: not isinstance(app.screen, QuestionDialog))
        app.post_message(SessionSidebar.Chosen(alpha.id))
        await wait_until(pilot, lambda: app.current is alpha and session_title(app).startswith("Alpha"))
        await pilot.pause()
        assert not isinstance(app.screen, QuestionDialog) and alpha.state == "asking"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog))


async def test_an_empty_inbox_says_so(connection: Connection) -> None:
    app = TuiApp(connection)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert str(app.screen.query_one("#inbox-summary").render()) == "No question waits."
        await pilot.press("f6")
        await wait_until(pilot, lambda: not isinstance(app.screen, InboxScreen))


def test_waited_times_read_in_seconds_minutes_and_hours() -> None:
    assert [waited_text(s) for s in (4.9, 65, 3_725)] == ["4s", "1m 05s", "1h 02m"]
