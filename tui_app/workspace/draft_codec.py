"""A session's draft as one stored text: what the composer holds, the files attached to it
(their paths, read again when it is sent), and the messages queued to send after the running turn.

Queued messages are drafts too (not yet the service's), so they live in the same row and go
through the same bursts and retries as the composer's text, with no schema change. A draft
without a queue or attachments stays the plain text it always was; with them, it is a small JSON
object whose first key no typed draft would start with by accident.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

_MARK = '{"tui-app draft":1,'


@dataclass(frozen=True, slots=True)
class StoredDraft:
    text: str = ""
    queued: tuple[str, ...] = ()
    attached: tuple[str, ...] = ()
    """Paths of the files attached to the composer's text, as the user gave them."""


def encode(draft: StoredDraft) -> str:
    if not draft.queued and not draft.attached:
        return draft.text
    fields: dict[str, object] = {"text": draft.text, "queued": list(draft.queued)}
    if draft.attached:
        fields["attached"] = list(draft.attached)
    return _MARK + json.dumps(fields, separators=(",", ":"))[1:]


def _strings(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)


def decode(stored: str) -> StoredDraft:
    if not stored.startswith(_MARK):
        return StoredDraft(stored)
    try:
        data = json.loads(stored)
    except ValueError:
        return StoredDraft(stored)
    text, queued, attached = data.get("text"), _strings(data.get("queued")), _strings(data.get("attached", []))
    if not isinstance(text, str) or queued is None or attached is None:
        return StoredDraft(stored)
    return StoredDraft(text, queued, attached)
