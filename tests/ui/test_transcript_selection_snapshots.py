"""A mouse selection across two replies, drawn in the theme's selection colours (under the app's
own stylesheets: the selected text black or white, whichever reads), at 80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_transcript_selection_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from tests.ui.test_selection_contrast import WithAppStyles
from tests.ui.test_transcript_selection import select_across_two_replies


def test_a_selection_across_two_replies_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithAppStyles(), terminal_size=(80, 24), run_before=select_across_two_replies)


def test_a_selection_across_two_replies_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithAppStyles(), terminal_size=(120, 40), run_before=select_across_two_replies)
