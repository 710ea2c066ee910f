"""A mouse selection across two replies, drawn in the theme's selection colours, at 80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_transcript_selection_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.ui.test_transcript_keys import WithFooter
from tests.ui.test_transcript_selection import select_across_two_replies


def test_a_selection_across_two_replies_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithFooter(), terminal_size=(80, 24), run_before=select_across_two_replies)


def test_a_selection_across_two_replies_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithFooter(), terminal_size=(120, 40), run_before=select_across_two_replies)
