"""Run a workspace subscriber on the App's message pump.

The workspace publishes from its own tasks, mid-stream; widgets change and screens are pushed
from a Textual message pump. So each published value is handed to its subscriber from the App's
message pump, in the order published, as the per-change Textual message was before the
workspace existed. Values published together (every subscriber of one change, the changes of
one network read) ride one Textual message: each costs the App a dispatch, and ten streaming
sessions publish hundreds of changes a second.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from textual.message_pump import MessagePump

T = TypeVar("T")


class _Deliveries:
    """What waits for one pump, in order; one Textual callback takes it all."""

    def __init__(self, pump: MessagePump) -> None:
        self.pump = pump
        self.waiting: list[tuple[Callable[[Any], object], object]] = []

    def add(self, handler: Callable[[Any], object], value: object) -> None:
        first = not self.waiting
        self.waiting.append((handler, value))
        if first and not self.pump.call_later(self._deliver):
            self.waiting.clear()  # the pump is closed (the app is exiting): nothing will take it

    async def _deliver(self) -> None:
        waiting, self.waiting = self.waiting, []
        for handler, value in waiting:
            result = handler(value)
            if inspect.isawaitable(result):
                await result


_QUEUES: weakref.WeakKeyDictionary[MessagePump, _Deliveries] = weakref.WeakKeyDictionary()


def on_pump(pump: MessagePump, handler: Callable[[T], None]) -> Callable[[T], None]:
    deliveries = _QUEUES.get(pump)
    if deliveries is None:
        deliveries = _QUEUES[pump] = _Deliveries(pump)

    def deliver(value: T) -> None:
        deliveries.add(handler, value)

    return deliver
