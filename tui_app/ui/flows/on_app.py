"""Run a workspace subscriber on the App's message pump.

The workspace publishes from its own tasks, mid-stream; widgets change and screens are pushed
from a Textual message pump. So each published value becomes a callback message to the App,
handled in order, as the per-change Textual message was before the workspace existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.message_pump import MessagePump

T = TypeVar("T")


def on_pump(pump: MessagePump, handler: Callable[[T], None]) -> Callable[[T], None]:
    def deliver(value: T) -> None:
        pump.call_later(handler, value)

    return deliver
