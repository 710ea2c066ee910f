"""A long code line cut with "…", and the footer offering Enter on a message with blocks, at 80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_transcript_keys_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.ui.test_transcript_keys import LONG_LINE, WithFooter, tool_reply
from tests.ui.test_transcript_view import reply, settle, user
from tui_app.core.transcript import Part, Transcript, Turn
from tui_app.ui.widgets.transcript.transcript_view import TranscriptView

CODE = f"Run this:\n\n```python\n{LONG_LINE}\nshort()\n```\n\nThat is all.\n"


async def long_code(pilot) -> None:  # type: ignore[no-untyped-def]
    view = pilot.app.query_one(TranscriptView)
    view.show(Transcript(messages=(user(0), reply(0, Part("a0:t", "text", CODE))), turns=(Turn("t0", state="completed"),)))
    await settle(pilot, view)


async def tool_message_selected(pilot) -> None:  # type: ignore[no-untyped-def]
    view = pilot.app.query_one(TranscriptView)
    view.show(tool_reply())
    await settle(pilot, view)
    view.focus()
    await pilot.press("enter")  # its tool call and reasoning open
    await settle(pilot, view)


def test_a_long_code_line_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithFooter(), terminal_size=(80, 24), run_before=long_code)


def test_a_long_code_line_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithFooter(), terminal_size=(120, 40), run_before=long_code)


def test_enter_opened_the_blocks_of_the_selected_message_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithFooter(), terminal_size=(80, 24), run_before=tool_message_selected)


def test_enter_opened_the_blocks_of_the_selected_message_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithFooter(), terminal_size=(120, 40), run_before=tool_message_selected)
