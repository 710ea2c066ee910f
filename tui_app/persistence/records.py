"""The values the session store hands out: plain frozen dataclasses, no database handles."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from tui_app.core.transcript import Transcript
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    """The app's own session id."""
    backend: str
    remote_id: str | None
    title: str
    model: str | None
    state: str
    money_unit: MoneyUnit
    created_at: float
    last_activity: float
    final_cost: int | None = None
    runtime_ms: int | None = None
    closed: bool = False
    """Ended or expired on its service: kept, read-only. (Deleting local history is `delete_session`.)"""
    new_files: bool = False
    """A turn made files the user has not looked at yet (F12): the sidebar's `+files`."""
    file_turns: tuple[tuple[str, int], ...] = ()
    """Which turn (1 is the first) last wrote each of the agent's files, where a list showed it."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    message_id: str
    role: str
    text: str
    """The visible text: the message's text parts, in order."""


@dataclass(frozen=True, slots=True)
class RestoredSession:
    """A session as `Store.load_transcript` rebuilds it."""

    transcript: Transcript
    ledger_entries: list[LedgerEntry]
    """Its billable entries, as the usage ledger keys them."""
    llm_costs: dict[tuple[str, str], int]
    """Its turns' LLM costs, as the usage ledger keeps them."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    session_id: str
    message_id: str
    role: str
    snippet: str
    """Text around the match, matched words between `MATCH_START` and `MATCH_END` (search.py)."""


# A record's fields are the table's columns of the same names (last_event_id is kept apart).
SESSION_FIELDS = tuple(field.name for field in fields(SessionRecord))
SESSION_COLUMNS = ", ".join(SESSION_FIELDS)


def session_record(row: tuple[Any, ...]) -> SessionRecord:
    values = dict(zip(SESSION_FIELDS, row, strict=True))
    values["closed"] = bool(values["closed"])  # stored as 0 or 1
    values["new_files"] = bool(values["new_files"])
    values["file_turns"] = tuple(json.loads(values["file_turns"]).items())
    return SessionRecord(**values)


def session_row(record: SessionRecord) -> tuple[Any, ...]:
    """The record as the table's row, in SESSION_FIELDS' order."""
    values = {name: getattr(record, name) for name in SESSION_FIELDS}
    values["file_turns"] = json.dumps(dict(record.file_turns), ensure_ascii=False)
    return tuple(values.values())
