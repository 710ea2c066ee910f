"""Knobs of the embedded server: pacing, lifecycle scaling, limits and injected faults.

`tui-app serve` exposes each as a flag; tests set them on the in-process server (they may also
change them while it runs: every request reads them afresh).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ServerOptions:
    tokens_per_second: float = 40.0
    """Pace of the demo agent's tokens; 0 streams as fast as possible."""
    usage_every_tokens: int = 8
    """How often a running Case.dev turn reports its usage so far, in output tokens."""
    resume_delay: float = 5.0
    """Seconds a snapshotted Case.dev chat takes to restore on its next message."""
    idle_scale: float = 1.0
    """Multiplies every idle timeout (Case.dev snapshot, Stewrd expiry); tests use e.g. 0.001."""
    heartbeat_seconds: float = 15.0
    """Keepalive interval on SSE streams (the casedev SDK times out after 60 s of silence)."""
    drop_stream_after: int | None = None
    """Fault: close every SSE stream after this many events (a dropped connection)."""
    drop_stream_count: int | None = None
    """How many streams `drop_stream_after` still applies to (None: every stream)."""
    replay_window: int | None = None
    """Keep only a chat's last N events for replay, as a real service's buffer would: a client
    that resumes from further back gets what is left, and a gap. None keeps the built-in
    10,000 (`chat_model.REPLAY_BUFFER`)."""
    fail_next: list[int] = field(default_factory=list)
    """Fault: answer the next calls with these HTTP statuses, one per call (429/500/502/503)."""
    seed: int = 0
    """Seeds every id and choice the demo agent makes, so a run can be repeated exactly."""
    read_only_key: str | None = None
    """A second key with only `agent:read` (stream, files); writes with it get 403."""
    stewrd_free_key: str | None = None
    """A Stewrd key on the free plan: sessions refuse it with 403 `plan_restricted`."""
    stewrd_credits: int = 1000
    """Credits each Stewrd key starts with."""
    stewrd_max_active_sessions: int = 10
    stewrd_history_cap: int = 50
    chat_expiry_seconds: float | None = 3600.0
    """A Case.dev chat with no turn, no reader and no request for this long leaves memory: with
    a store it stays there and comes back (snapshotted) when next asked for; without one it is
    gone (404). None keeps every chat in memory."""
    max_body_bytes: int = 1024 * 1024
    """Largest request body read (413 past it): far above any message a person types."""
    max_title_chars: int = 1000
    """Longest chat title accepted (400 past it)."""
    max_message_chars: int = 256 * 1024
    """Longest message text accepted, all parts together (400 past it)."""
    request_timeout_seconds: float = 30.0
    """How long a request may take to arrive, head or body, before its connection is closed
    (head) or it is answered 408 (body): a half-sent request holds nothing for longer."""

    def drops_stream_now(self, sent: int) -> bool:
        """Whether a stream that has sent `sent` frames is to be cut before its next one (the
        `drop_stream_after` fault), using up one of `drop_stream_count` if that is set."""
        if self.drop_stream_after is None or sent < self.drop_stream_after:
            return False
        if self.drop_stream_count is None:
            return True
        if self.drop_stream_count > 0:
            self.drop_stream_count -= 1
            return True
        return False
