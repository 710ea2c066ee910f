"""The time in a message's header."""

from __future__ import annotations

import time

from tui_app.ui.widgets.transcript.message_view import clock_text


def test_today_shows_the_time_and_another_day_the_date_too() -> None:
    now = time.mktime((2026, 11, 23, 15, 30, 0, 0, 0, -1))
    assert clock_text(time.mktime((2026, 11, 23, 9, 5, 0, 0, 0, -1)), now) == "09:05"
    assert clock_text(time.mktime((2026, 11, 21, 22, 41, 0, 0, 0, -1)), now) == "Nov 21 22:41"
    assert clock_text(None, now) == ""
