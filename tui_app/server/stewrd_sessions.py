"""Stewrd sessions of the embedded server (being written)."""

from __future__ import annotations

import time
from collections.abc import Callable

from tui_app.server.options import ServerOptions


class StewrdRegistry:
    def __init__(self, options: ServerOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self.clock = clock
