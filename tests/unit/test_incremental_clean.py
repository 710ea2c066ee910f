"""A streamed text cleaned as it grows equals the whole text cleaned, wherever the chunks fall
and whatever controls they carry (issue 16: no whole-text cleaning per frame)."""

from __future__ import annotations

import random

from tui_app.core.sanitize import strip_control
from tui_app.ui.widgets.transcript.incremental_clean import IncrementalClean

HOSTILE = (
    "Plain words.\nA line\twith a tab.\r\n"
    "\x1b[31mred\x1b[0m and \x1b]0;title\x07 and \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ "
    "an 8-bit \x9b31m CSI, \x9d an 8-bit OSC\x07, a bell \x07, a NUL \x00, DEL \x7f.\n"
    "More text after it all, and an unterminated \x1b]0;title at the end"
)


def test_grown_text_is_cleaned_as_the_whole_text_is_wherever_it_is_cut() -> None:
    rng = random.Random(16)
    for text in (HOSTILE, "Only plain text.\n" * 50, "plain first, then \x1b[1mbold\x1b[0m\n" * 5):
        for _ in range(200):
            cuts = sorted(rng.sample(range(1, len(text)), min(12, len(text) - 1)))
            clean = IncrementalClean()
            for cut in [*cuts, len(text)]:
                assert clean(text[:cut]) == strip_control(text[:cut])


def test_text_that_changes_rather_than_grows_is_cleaned_whole() -> None:
    clean = IncrementalClean()
    assert clean("abc\x1b[") == strip_control("abc\x1b[")
    assert clean("xyz") == "xyz"
    assert clean("xyz\x07!") == "xyz!"
