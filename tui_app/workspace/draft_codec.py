"""A session's draft as one stored text: what the composer holds, and the messages queued to
send after the running turn.

Queued messages are drafts too (not yet the service's), so they live in the same row and go
through the same bursts and retries as the composer's text, with no schema change. A draft
without a queue stays the plain text it always was; with one, it is a small JSON object whose
first key no typed draft would start with by accident.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

_MARK = '{"tui-app draft":1,'


@dataclass(frozen=True, slots=True)
class StoredDraft:
    text: str = ""
    queued: tuple[str, ...] = ()


def encode(draft: StoredDraft) -> str:
    if not draft.queued:
        return draft.text
    body = json.dumps({"text": draft.text, "queued": list(draft.queued)}, separators=(",", ":"))
    return _MARK + body[1:]


def decode(stored: str) -> StoredDraft:
    if not stored.startswith(_MARK):
        return StoredDraft(stored)
    try:
        data = json.loads(stored)
    except ValueError:
        return StoredDraft(stored)
    text, queued = data.get("text"), data.get("queued")
    if not isinstance(text, str) or not isinstance(queued, list) or not all(isinstance(q, str) for q in queued):
        return StoredDraft(stored)
    return StoredDraft(text, tuple(queued))
