"""Two replies with the completeness marks their resumed feeds left: the one that found nothing
missing dimmed, the gap in the warning colour, both in italics apart from the agent's words; at
80x24 and 120x40.

Update after a deliberate change with `pytest tests/ui/test_completeness_mark_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from tests.ui.test_completeness_look import show_marks
from tests.ui.test_selection_contrast import WithAppStyles

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_completeness_marks(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WithAppStyles(), terminal_size=size, run_before=show_marks)
