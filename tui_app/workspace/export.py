"""Export a stored session: Markdown for people, JSON with everything for programs.

Both are built from the store alone (the event log replayed through the reducer, the usage
ledger's entries), so the app and `tui-app export` give the same file for the same session.
Costs come from the ledger's entries, the same figures the app shows; they stay integers in
JSON and are formatted only in Markdown. A session that has ended shows the service's final cost
beside the ledger's total and their difference (`core/reconciliation.py`); a turn resumed after
a reconnect or a restart shows its completeness mark (`core/completeness.py`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

from tui_app.core import completeness, transcript as reducer
from tui_app.core.cost import Cost, CostSummary, format_cost, summarize, with_stored_session
from tui_app.core.events import FeedReplayed
from tui_app.core.reconciliation import Reconciliation
from tui_app.core.sanitize import strip_control
from tui_app.core.transcript import Message, Part, Transcript, Turn
from tui_app.core.usage_ledger import LedgerEntry, MoneyUnit, UsageLedger
from tui_app.persistence.store import SessionRecord, Store

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class SessionExport:
    """Everything the store knows of one session."""

    record: SessionRecord
    transcript: Transcript
    times: dict[str, float | None]
    entries: list[LedgerEntry]
    replays: tuple[FeedReplayed, ...] = ()
    """What each resumed feed brought back, as stored (the completeness marks)."""

    costs: CostSummary = field(init=False, repr=False, compare=False)
    """The one cost model over this session's stored entries and turns, as the app builds it
    when it restores the session."""

    def __post_init__(self) -> None:
        ledger = with_stored_session(UsageLedger(), self.record.id, self.transcript.turns, self.entries, {}, self.unit)
        object.__setattr__(self, "costs", summarize(ledger))

    @property
    def unit(self) -> MoneyUnit:
        return "credits" if self.record.money_unit == "credits" else "micros"

    def turn_cost(self, turn_id: str) -> Cost | None:
        found = self.costs.turn(self.record.id, turn_id)
        return None if found is None else found.cost

    def session_cost(self) -> Cost:
        return self.costs.session(self.record.id, self.unit).cost

    def reconciliation(self) -> Reconciliation | None:
        """For a session that has ended or expired: the service's final cost beside the ledger's."""
        record = self.record
        if record.state not in ("ended", "expired") and not record.closed:
            return None
        return Reconciliation(record.final_cost if record.state == "ended" else None, self.session_cost())


def load(store: Store, session_id: str) -> SessionExport:
    record = store.session(session_id)
    if record is None:
        raise LookupError(f"no session {session_id!r} in {store.path}")
    transcript = Transcript()
    # A follow's mark is given again as each of its reconnects ends: the last one covers them all.
    replays: dict[tuple[str | None, int | None], FeedReplayed] = {}
    for event in store.load_events(session_id):
        transcript = reducer.apply(transcript, event)
        if isinstance(event, FeedReplayed):
            replays[(event.turn_id, event.after_event_id)] = event
    times, entries = store.message_times(session_id), store.usage_entries(session_id)
    return SessionExport(record, transcript, times, entries, tuple(replays.values()))


def format_time(stamp: float | None) -> str:
    """Local time to the second; stored times are Unix seconds."""
    return "time unknown" if stamp is None else datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


# -- Markdown


def to_markdown(export: SessionExport) -> str:
    record = export.record
    lines = [f"# {_line(record.title)}", ""]
    lines.append(f"- Session: `{record.id}` on {record.backend}" + (f" (remote `{record.remote_id}`)" if record.remote_id else ""))
    lines.append(f"- State: {record.state}; started {format_time(record.created_at)}, last activity {format_time(record.last_activity)}")
    if record.model:
        lines.append(f"- Model: {_line(record.model)}")
    lines.append(f"- Total cost: {_total(export)}")
    lines += _reconciliation_lines(export)
    lines.append("")
    last_of_turn = {m.turn_id: m.id for m in export.transcript.messages if m.turn_id}
    for message in export.transcript.messages:
        lines += _message(export, message)
        if message.turn_id and last_of_turn[message.turn_id] == message.id:
            turn = export.transcript.turn(message.turn_id)
            lines += [_turn_line(export, message.turn_id, turn), ""]
    for turn in export.transcript.turns:
        # A turn that produced no message (failed at once) still cost something, maybe.
        if turn.id not in last_of_turn:
            lines += [_turn_line(export, turn.id, turn), ""]
    lines += ["---", "", f"**Total: {_total(export)}**", ""]
    return "\n".join(lines)


def _line(text: str) -> str:
    return strip_control(text).replace("\n", " ")


_EMPHASIS = re.compile(r"([\\*_`])")


def _emphasis_safe(text: str) -> str:
    """`text` inside `*…*`: a star, underscore, backtick or backslash of its own cannot end it."""
    return _EMPHASIS.sub(r"\\\1", text)


def _reconciliation_lines(export: SessionExport) -> list[str]:
    ended = export.reconciliation()
    if ended is None:
        return []
    return [
        f"- Final cost reported by the service: {ended.service_text()}",
        f"- Ledger's total: {ended.ledger_text()}; difference: {ended.difference_text()}",
    ]


def _total(export: SessionExport) -> str:
    # The ledger's figure, the same as every view's; the service's final one is beside it
    # (`_reconciliation_lines`), so a difference shows rather than one hiding the other.
    cost = export.session_cost()
    if cost.entries == 0 and not cost.unknown:
        return "nothing billed"
    unknown = f"; {cost.unknown_turns} turn(s) without a price" if cost.unknown else ""
    return f"{format_cost(cost)} ({cost.entries} billable entries{unknown})"


def _message(export: SessionExport, message: Message) -> list[str]:
    who = "You" if message.role == "user" else "Agent"
    header = f"## {who} · {format_time(export.times.get(message.id))}"
    turn = export.transcript.turn(message.turn_id) if message.turn_id else None
    model = turn.usage.model if turn and turn.usage and turn.usage.model else None
    if message.role != "user" and (model or export.record.model):
        header += f" · {_line(model or export.record.model or '')}"
    body = strip_control(message.display_text if message.role != "user" else message.text).rstrip()
    # Lines the client wrote into the reply (a completeness mark, a budget's stop), as italic
    # notes apart from the agent's words.
    notes = [f"> *{_emphasis_safe(_line(part.text))}*" for part in message.parts if completeness.is_client_note(part)]
    return [header, "", body or "*(no text)*", ""] + (notes + [""] if notes else [])


def _turn_line(export: SessionExport, turn_id: str, turn: Turn | None) -> str:
    found = export.turn_cost(turn_id)
    cost = format_cost(found) if found is not None else "unknown"
    details = [f"turn cost {cost}"]
    if turn is not None and turn.usage is not None:
        details.append(f"{turn.usage.input_tokens} input / {turn.usage.output_tokens} output tokens")
    elif turn is not None and turn.state != "running":
        details.append("no usage report received")
    kinds = [entry.kind for entry in export.entries if entry.turn_id == turn_id]
    if kinds:
        details.append("entries: " + ", ".join(f"{kinds.count(kind)} {kind}" for kind in dict.fromkeys(kinds)))
    if turn is not None and turn.state != "completed":
        details.append(turn.state + (f": {_line(turn.error)}" if turn.error else ""))
    return "*" + " · ".join(details) + "*"


# -- JSON


def to_json_data(export: SessionExport) -> dict[str, object]:
    transcript = export.transcript
    cost = export.session_cost()
    turn_costs = {turn.id: export.turn_cost(turn.id) for turn in transcript.turns}
    return {
        "format": "tui-app-session",
        "version": FORMAT_VERSION,
        "session": asdict(export.record),
        "totals": {} if cost.entries == 0 else {cost.unit: cost.amount},
        "total_unknown": cost.unknown,
        "messages": [
            {
                "id": message.id,
                "role": message.role,
                "turn_id": message.turn_id,
                "created_at": export.times.get(message.id),
                "completed": message.completed,
                "parts": [_part_data(part) for part in message.parts],
            }
            for message in transcript.messages
        ],
        "turns": [
            {
                "id": turn.id,
                "state": turn.state,
                "error": turn.error,
                "cost": None if (found := turn_costs[turn.id]) is None else found.exact,
                "usage": asdict(turn.usage) if turn.usage else None,
                "usage_reported": turn.usage is not None,
            }
            for turn in transcript.turns
        ],
        "questions": [asdict(question) for question in transcript.questions],
        "usage_entries": [asdict(entry) for entry in export.entries],
        "completeness": [{**asdict(mark), "text": completeness.sentence(mark)} for mark in export.replays],
        "reconciliation": None if (ended := export.reconciliation()) is None else ended.to_json_data(),
    }


def _part_data(part: Part) -> dict[str, object]:
    """A part as data; a tool part as its call's fields (name, state, input, output, ...); a
    question part as its record (the questions, their options, the answers, the outcome)."""
    call = part.tool
    if call is not None:
        return {"id": part.id, "kind": part.kind, "tool": asdict(call)}
    record = part.question
    if record is not None:
        return {"id": part.id, "kind": part.kind, "question": asdict(record)}
    return {"id": part.id, "kind": part.kind, "text": part.text}


def to_json(export: SessionExport) -> str:
    return json.dumps(to_json_data(export), indent=2, ensure_ascii=False) + "\n"


def suggested_name(record: SessionRecord, format: str) -> str:
    """A file name for the export: the title made safe for any file system, and the id's start."""
    slug = re.sub(r"[^a-z0-9]+", "-", strip_control(record.title).casefold()).strip("-")[:40] or "session"
    return f"{slug}-{record.id[:8]}.{format}"


def render(export: SessionExport, format: str) -> str:
    if format == "json":
        return to_json(export)
    if format == "md":
        return to_markdown(export)
    raise ValueError(f"unknown export format {format!r}: md or json")
