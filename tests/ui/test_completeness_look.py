"""A completeness mark ("Replayed 124 events … nothing missing" / "Events #12–#40 were not
replayed …") is the client's note, not the agent's words: drawn dimmed and in italics under the
reply, the incomplete one in the theme's warning colour, never read as Markdown; in the Markdown
export it is an italic note."""

from __future__ import annotations

from rich.segment import Segment

from tests.ui.test_selection_contrast import WithAppStyles, contrast
from tests.ui.test_transcript_view import settle, user
from tui_app.core import completeness, transcript as reducer
from tui_app.core.events import FeedReplayed, PartUpdated
from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.ui.widgets.transcript.notice_view import NoticeView
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

COMPLETE = FeedReplayed("t0", "reconnect", after_event_id=5, first_event_id=6, events=124)
INCOMPLETE = FeedReplayed("t1", "restart", after_event_id=11, first_event_id=41, events=3, missing=((12, 40),))


def marked_replies() -> Transcript:
    """Two replies, each with the mark its resumed feed left (through the reducer, as the app does)."""
    state = Transcript(
        messages=(
            user(0, "first question"),
            Message("a0", "assistant", "t0", (Part("a0:t", "text", "The first answer is **complete**."),), True),
            user(1, "second question"),
            Message("a1", "assistant", "t1", (Part("a1:t", "text", "The second answer lost events."),), True),
        ),
        turns=(Turn("t0", state="completed"), Turn("t1", state="completed")),
    )
    for mark in (COMPLETE, INCOMPLETE):
        part = completeness.note(state, mark)
        assert isinstance(part, PartUpdated)
        state = reducer.apply(state, part)
    return state


def drawn(app: WithAppStyles, text: str) -> list[Segment]:
    lines = app.screen._compositor.render_strips()
    [line] = [line for line in lines if text in line.text]
    return [segment for segment in line if segment.text.strip() and segment.text.strip() in text]


async def show_marks(pilot) -> None:  # type: ignore[no-untyped-def]
    view = pilot.app.query_one(TranscriptView)
    view.show(marked_replies())
    await settle(pilot, view)


async def test_a_completeness_mark_is_drawn_dimmed_apart_from_the_reply_and_a_gap_as_a_warning(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUI_APP_DATA_DIR", str(tmp_path))
    app = WithAppStyles()
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = "textual-dark"
        await show_marks(pilot)
        complete, incomplete = completeness.sentence(COMPLETE), completeness.sentence(INCOMPLETE)
        assert incomplete == "Events #12–#40 were not replayed by the service after a restart: this part may be incomplete."
        notes = {view.part_text: view for view in app.query(NoticeView)}
        assert set(notes) == {complete, incomplete}
        assert not notes[complete].has_class("-warning") and notes[incomplete].has_class("-warning")

        reply, note, warning = drawn(app, "The first answer is"), drawn(app, complete), drawn(app, incomplete)
        assert reply and note and warning
        assert all(segment.style and segment.style.italic for segment in note + warning)
        assert not any(segment.style and segment.style.italic for segment in reply)
        # Dimmed: the note stands out less from the background than the agent's words do.
        assert max(contrast(segment) for segment in note) < min(contrast(segment) for segment in reply)
        # The gap in the theme's warning colour: neither the note's nor the reply's.
        colours = {name: {segment.style.color for segment in found if segment.style} for name, found in
                   (("reply", reply), ("note", note), ("warning", warning))}
        assert colours["warning"].isdisjoint(colours["reply"] | colours["note"])
        warning_hex = app.get_css_variables()["text-warning"][:7].lower()
        assert {colour.triplet.hex for colour in colours["warning"] if colour and colour.triplet} == {warning_hex}
