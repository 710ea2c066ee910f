"""A session's draft as one stored text: what the composer holds, the files attached to it
(their paths, read again when it is sent), and the messages queued to send after the running turn.

Queued messages are drafts too (not yet the service's), so they live in the same row and go
through the same bursts and retries as the composer's text, with no schema change. A draft
without a queue or attachments stays the plain text it always was; with them, it is a small JSON
object whose first key no typed draft would start with by accident.

A queued message with files keeps the files as they were read and checked when it was queued
(name, text, size, path): what the user saw accepted is what goes, even if the file changes or
moves before its turn. A queued message without files stays a plain string, as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tui_app.core.attachments import Attachment

_MARK = '{"tui-app draft":1,'


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A message written while a turn ran, waiting for the session to take it."""

    text: str
    files: tuple[Attachment, ...] = ()
    """Read and checked when it was queued; sent with it."""


@dataclass(frozen=True, slots=True)
class StoredDraft:
    text: str = ""
    queued: tuple[QueuedMessage, ...] = ()
    attached: tuple[str, ...] = ()
    """Paths of the files attached to the composer's text, as the user gave them."""


def _queued_field(message: QueuedMessage) -> object:
    if not message.files:
        return message.text
    files = [{"name": f.name, "content": f.content, "size": f.size, "source": f.source} for f in message.files]
    return {"text": message.text, "files": files}


def encode(draft: StoredDraft) -> str:
    if not draft.queued and not draft.attached:
        return draft.text
    fields: dict[str, object] = {"text": draft.text, "queued": [_queued_field(m) for m in draft.queued]}
    if draft.attached:
        fields["attached"] = list(draft.attached)
    return _MARK + json.dumps(fields, separators=(",", ":"))[1:]


def _strings(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)


def _attachment(value: object) -> Attachment | None:
    if not isinstance(value, dict):
        return None
    name, content, size, source = (value.get(key) for key in ("name", "content", "size", "source"))
    if not (isinstance(name, str) and isinstance(content, str) and isinstance(source, str)):
        return None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return None
    return Attachment(name, content, size, source)


def _queued_message(value: object) -> QueuedMessage | None:
    if isinstance(value, str):
        return QueuedMessage(value)
    if not isinstance(value, dict) or not isinstance(text := value.get("text"), str):
        return None
    files = value.get("files")
    if not isinstance(files, list):
        return None
    read = [_attachment(file) for file in files]
    kept = tuple(file for file in read if file is not None)
    return QueuedMessage(text, kept) if len(kept) == len(read) else None


def _queue(value: object) -> tuple[QueuedMessage, ...] | None:
    if not isinstance(value, list):
        return None
    read = [_queued_message(item) for item in value]
    kept = tuple(message for message in read if message is not None)
    return kept if len(kept) == len(read) else None


def decode(stored: str) -> StoredDraft:
    if not stored.startswith(_MARK):
        return StoredDraft(stored)
    try:
        data = json.loads(stored)
    except ValueError:
        return StoredDraft(stored)
    text, queued, attached = data.get("text"), _queue(data.get("queued")), _strings(data.get("attached", []))
    if not isinstance(text, str) or queued is None or attached is None:
        return StoredDraft(stored)
    return StoredDraft(text, queued, attached)
