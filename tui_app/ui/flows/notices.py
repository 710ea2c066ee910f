"""Notifications: short, one per topic (the newer replaces the older), withdrawn once they stop
being true, and kept in a history the user can read later (the toast itself is gone in seconds).

Every notification of the app goes through `NoticeBoard.show` (the App's `notify` forwards to
it), so the history misses none. Textual's own `Notification` is used as it is: its identity is
what the toast rack keys its toasts by, so one that has expired is removed at the next refresh.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable

from textual.app import App
from textual.content import Content
from textual.notifications import Notification, Notify, SeverityLevel

from tui_app.ui.notice_entry import NoticeEntry

# Long enough to read a sentence; an error a little longer. What was said stays in the history.
SECONDS: dict[SeverityLevel, float] = {"information": 3.0, "warning": 5.0, "error": 8.0}
HISTORY_SIZE = 200
# At start, more settings problems than this are summed up in one toast (each is in the history).
STARTUP_SHOWN = 2


def _short_paths(text: str) -> str:
    """`/home/me/.config/tui-app/config.toml, line 2` as `config.toml, line 2`: a toast is narrow."""
    return re.sub(r"(?:[^\s,:]*/)+([^/\s,:]+)", r"\1", text)


def _plain(message: str, markup: bool) -> str:
    if not markup:
        return message
    try:
        return Content.from_markup(message).plain
    except Exception:  # markup Textual cannot read: the text as given is still the best record
        return message


class NoticeBoard:
    """The notifications of one App."""

    def __init__(self, app: App[None], clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.history: deque[NoticeEntry] = deque(maxlen=HISTORY_SIZE)
        self._clock = clock
        self._by_topic: dict[str, Notification] = {}
        self._live: dict[str, Notification] = {}  # by identity, every toast not known to be gone

    def show(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        topic: str | None = None,
    ) -> Notification:
        """Show a toast and record it. A `topic` (default: the title) replaces the toast shown
        for it before. `timeout` may shorten the severity's time, never lengthen it."""
        topic = topic or title or None
        self.history.append(NoticeEntry(self._clock(), title, _plain(message, markup), severity, topic))
        cap = SECONDS[severity]
        notification = Notification(message, title, severity, min(timeout, cap) if timeout else cap, markup=markup)
        if topic is not None:
            self._expire(self._by_topic.pop(topic, None))
            self._by_topic[topic] = notification
        self._post(notification)
        return notification

    def replace_text(self, topic: str, message: str, severity: SeverityLevel | None = None) -> None:
        """Say something new in the topic's toast, if one is showing, without giving it more
        time (a figure that moved on: the toast must not show the old one)."""
        old = self._showing(topic)
        if old is None or old.message == message:
            return
        self.history.append(NoticeEntry(self._clock(), old.title, message, severity or old.severity, topic))
        new = Notification(message, old.title, severity or old.severity, old.timeout, old.markup, raised_at=old.raised_at)
        self._expire(old)
        self._by_topic[topic] = new
        self._post(new)

    def withdraw(self, topic: str) -> None:
        """Take the topic's toast away: what it said is no longer true."""
        old = self._showing(topic)
        self._by_topic.pop(topic, None)
        if old is None:
            return
        self._expire(old)
        # Textual removes a toast when its notification leaves the app's set, which its public
        # API offers only whole: clear it and give back the others, with the time they had left.
        others = [n for n in self._live.values() if not n.has_expired]
        self.app.clear_notifications()
        for notification in others:
            self.app.post_message(Notify(notification))

    def showing(self, topic: str) -> bool:
        return self._showing(topic) is not None

    def startup(self, problems: Iterable[str], connection_notice: str | None) -> None:
        """What start-up found, as two toasts at most; each problem in the history."""
        if connection_notice:
            self.show(connection_notice, title="Connection", severity="warning", markup=False)
        problems = list(problems)
        if not problems:
            return
        for problem in problems:
            self.history.append(NoticeEntry(self._clock(), "Settings", problem, "warning", "Settings"))
        shown = "\n".join(_short_paths(problem) for problem in problems[:STARTUP_SHOWN])
        if len(problems) > STARTUP_SHOWN:
            shown += f"\n…and {len(problems) - STARTUP_SHOWN} more: the notification history (F3) lists them."
        notification = Notification(shown, "Settings", "warning", SECONDS["error"], markup=False)
        self._expire(self._by_topic.pop("Settings", None))
        self._by_topic["Settings"] = notification
        self._post(notification)

    def _showing(self, topic: str) -> Notification | None:
        notification = self._by_topic.get(topic)
        return None if notification is None or notification.has_expired else notification

    def _expire(self, notification: Notification | None) -> None:
        # An expired notification is dropped from the app's set (and its toast from the screen)
        # at the rack's next refresh, which the next post brings.
        if notification is not None:
            notification.timeout = 0
            self._live.pop(notification.identity, None)

    def _post(self, notification: Notification) -> None:
        self._live = {k: n for k, n in self._live.items() if not n.has_expired}
        self._live[notification.identity] = notification
        self.app.post_message(Notify(notification))
