"""The bounds every stream of a run keeps, from the user's settings (`Connection.retry`)."""

from __future__ import annotations

from tui_app.backends.retry_policy import RetryPolicy
from tui_app.settings.user_settings import Settings


def stream_limits(settings: Settings) -> RetryPolicy:
    """How large a frame may be (`max_frame_mib`) and how long a stream may stay silent before it
    counts as stalled and is resumed (`stall_timeout_s`); retries as the defaults say."""
    return RetryPolicy(max_frame_bytes=settings.max_frame_mib * 2**20, liveness_timeout=settings.stall_timeout_s)
