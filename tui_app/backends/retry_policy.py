"""How hard a client tries: retries, reconnects and the bounds of a stream. Apart from the client
(`http_backend.py`) so that settings and connections name it without importing httpx: the app's
first screen is painted before any HTTP client exists (issue 16)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from tui_app.backends.response_body import ERROR_BODY_BYTES


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Tests shrink the delays; people get the defaults."""

    reconnect_attempts: int = 8
    reconnect_base_delay: float = 0.25
    reconnect_max_delay: float = 8.0
    request_retries: int = 2
    """Extra tries of a request answered 429 or 5xx."""
    retry_after_cap: float = 60.0
    """Longest `Retry-After` honoured before giving up instead of waiting."""
    liveness_timeout: float = 30.0
    """Silence on a stream (no frame, no heartbeat) after which it counts as stalled and is
    resumed: twice the embedded server's 15 s heartbeat (the `stall_timeout_s` setting)."""
    max_frame_bytes: int = 4 * 2**20
    """The longest line or frame a stream may send; past it the stream is cut (`FrameTooLarge`)
    rather than held in memory without bound."""
    max_error_body_bytes: int = ERROR_BODY_BYTES
    """How much of an error answer's body is read; the message says when there was more."""

    def backoff(self, attempt: int, jitter: Callable[[], float] = random.random) -> float:
        """Exponential backoff with jitter: between half and all of base * 2^(attempt-1)."""
        ceiling = min(self.reconnect_base_delay * 2 ** (attempt - 1), self.reconnect_max_delay)
        return ceiling * (0.5 + 0.5 * jitter())
