"""One notification as it was shown: what the history (F3) lists."""

from __future__ import annotations

from dataclasses import dataclass

from textual.notifications import SeverityLevel


@dataclass(frozen=True, slots=True)
class NoticeEntry:
    at: float
    """Unix time."""
    title: str
    message: str
    """Plain text (markup, if the caller used it, already read)."""
    severity: SeverityLevel
    topic: str | None
