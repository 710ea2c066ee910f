"""A send's lifecycle: pending until the service takes it, then sent; queued while another turn
runs (409); failed when it was refused. Only a sent message enters the transcript, so a failed
send leaves no "You" message behind and a retry shows exactly one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_app.core.attachments import Attachment

SendState = Literal["pending", "queued", "sent", "failed"]
Attachments = tuple[Attachment, ...]


@dataclass(eq=False)
class Send:
    session_id: str
    text: str
    files: Attachments = ()
    """Local files that go with the message (`core/attachments.py`), read before it was sent."""
    state: SendState = "pending"
    error: str | None = None
    """Why it failed, in words a person can act on."""
    from_queue: bool = False
    """Written while another turn ran and sent after it (`send_queue`): a failure puts it back
    in that queue, not in the composer."""

