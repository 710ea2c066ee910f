"""Run a workspace subscriber on the App's message pump.

The workspace publishes from its own tasks; Textual expects widgets to change (and screens to be
pushed and popped) from a message pump, or a popped dialog waits forever on its removal. So each
published value becomes a callback message to the App, handled in order (as the Textual message that used to carry each
session change was).
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
