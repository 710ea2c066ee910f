"""The agent's questions and your answers, in the transcript where they were asked, after a
restart, and in the export: against the embedded server, with a real store."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RadioButton

from tests.conftest import wait_until
from tests.ui.test_questions import ask, ready_app
from tui_app.backends.connection import Connection
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp
from tui_app.ui.screens.question_dialog import QuestionDialog
from tui_app.ui.widgets.transcript.question_record_view import QuestionRecordView
from tui_app.ui.widgets.transcript.transcript_view import MessageView
from tui_app.workspace import export


def screen_text(app: TuiApp) -> str:
    return "\n".join(line.text for line in app.screen._compositor.render_strips())


def record_text(app: TuiApp) -> str:
    return str(app.query_one(QuestionRecordView).render())


async def test_an_answered_question_shows_in_place_and_in_the_export(connection: Connection, tmp_path: Path) -> None:
    store = Store(tmp_path / "tui-app.db")
    app = TuiApp(connection, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        session = app.current
        assert session is not None
        await ask(app, pilot, "ask me")
        await wait_until(pilot, lambda: bool(app.query(QuestionRecordView)))
        assert "Waiting for your answer" in record_text(app)
        await pilot.click(RadioButton)  # Short
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: session.state == "ready")
        await wait_until(pilot, lambda: "Answered" in record_text(app))
        shown = record_text(app)
        assert "How long should my answer be?" in shown and "Short — A few lines" in shown
        assert "You answered: Short" in shown
        reply = app.query(MessageView).last()
        kinds = [type(child).__name__ for child in reply.children]
        assert kinds.index("QuestionRecordView") < kinds.index("TextPartView")  # asked before the reply went on
        session.flush()
    assert store.flush(timeout=30)

    exported = export.load(store, session.id)
    markdown = export.to_markdown(exported)
    assert "How long should my answer be?" in markdown and "*Your answer:* Short" in markdown
    assert markdown.index("How long should") < markdown.index("You answered my question: Short.")
    data = export.to_json_data(exported)
    parts = [part for message in data["messages"] for part in message["parts"]]  # type: ignore[attr-defined]
    (question,) = [part for part in parts if part["kind"] == "question"]
    assert question["question"]["outcome"] == "answered" and question["question"]["answers"] == (("Short",),)
    store.close()


async def test_a_deferred_then_cancelled_question_says_so_after_a_restart(connection: Connection, tmp_path: Path) -> None:
    store = Store(tmp_path / "tui-app.db")
    app = TuiApp(connection, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_app(app, pilot)
        session = app.current
        assert session is not None
        await ask(app, pilot, "ask me")
        await pilot.press("escape")  # Later
        await wait_until(pilot, lambda: not isinstance(app.screen, QuestionDialog))
        await wait_until(pilot, lambda: bool(app.query(QuestionRecordView)) and "(deferred)" in record_text(app))
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionDialog) and app.screen.armed)
        await pilot.press("ctrl+x")  # cancel the turn
        await wait_until(pilot, lambda: session.state == "ready")
        await wait_until(pilot, lambda: "deferred, then rejected" in record_text(app))
        session_id = session.id
    store.close()

    store = Store(tmp_path / "tui-app.db")
    again = TuiApp(connection, store=store)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: again.current is not None and again.current.id == session_id)
        # The restored record is drawn once the session's transcript is painted.
        await wait_until(pilot, lambda: bool(again.query(QuestionRecordView)) and "rejected" in record_text(again))
        assert "How long should my answer be?" in record_text(again)
        assert "Not answered: deferred, then rejected" in record_text(again)
    markdown = export.to_markdown(export.load(store, session_id))
    assert "Not answered: deferred, then rejected" in markdown
    store.close()
