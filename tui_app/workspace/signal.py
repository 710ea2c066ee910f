"""A small publish/subscribe channel: the workspace announces, views subscribe.

Callbacks run synchronously on the publisher's event loop (the workspace only publishes from it),
in the order they subscribed. One failing subscriber is logged and never stops the others, nor
the stream that published: a view's bug must not break a turn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Signal(Generic[T]):
    """Subscribers receive every published value; `subscribe` returns the unsubscribe."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[[T], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> Callable[[], None]:
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, value: T) -> None:
        for callback in list(self._subscribers):
            try:
                callback(value)
            except Exception:
                log.exception("a subscriber of %s failed", self.name)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)
