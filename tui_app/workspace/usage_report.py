"""Spending over time, from the store: what `tui-app usage` prints and the usage screen shows.

Every figure comes from the one cost model (`core/cost.py`) applied to each stored session's
ledger, so the report cannot disagree with the sidebar or the export. A turn is dated by when its
first message was stored (the session's start when that was not recorded). Dollars and credits
are separate rows, never added; a turn without a price is counted apart, never as $0.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from tui_app.core.cost import CostSummary, TurnCost, summarize, with_stored_session
from tui_app.core.money import format_money
from tui_app.core.sanitize import strip_control
from tui_app.core.transcript import Transcript
from tui_app.core.usage_ledger import MoneyUnit, UsageLedger
from tui_app.persistence.records import SessionRecord
from tui_app.persistence.store import Store
from tui_app.workspace.session_controller import SessionController

Grouping = Literal["day", "session", "model", "backend"]
GROUPINGS: tuple[Grouping, ...] = ("day", "session", "model", "backend")
NO_MODEL = "(service default)"


@dataclass(frozen=True, slots=True)
class DatedTurn:
    """One turn's cost, with the session it belongs to and the day it started."""

    record: SessionRecord
    day: date
    cost: TurnCost
    model: str | None = None
    """The model the turn's usage report named, else the session's."""


@dataclass(frozen=True, slots=True)
class UsageRow:
    """What one group (a day, a session, a model or a backend) spent in one unit."""

    key: str
    """The group: an ISO date, a session id, a model or a backend name."""
    label: str
    """How to show the group (a session's title; otherwise the key)."""
    unit: MoneyUnit
    known: int
    """What the priced turns cost, in `unit`: exact, never counting an unpriced turn as 0."""
    turns: int
    unknown_turns: int
    """Turns that ended (or reported usage) without a price."""
    sessions: int

    @property
    def exact(self) -> int | None:
        """The group's cost when every turn has a price, else None."""
        return None if self.unknown_turns else self.known

    @property
    def cost_text(self) -> str:
        """`$0.0012`; `≥ $0.0012` with unpriced turns beside priced ones; `unknown` with none priced."""
        if not self.unknown_turns:
            return format_money(self.known, self.unit)
        if self.unknown_turns == self.turns:
            return "unknown"
        return f"≥ {format_money(self.known, self.unit)}"


@dataclass(frozen=True, slots=True)
class UsageReport:
    by: Grouping
    since: date | None
    until: date | None
    rows: tuple[UsageRow, ...]
    totals: tuple[UsageRow, ...]
    """One row per unit present, over every group."""


def _turns_of(
    record: SessionRecord, transcript: Transcript, times: Mapping[str, float | None], summary: CostSummary
) -> Iterator[DatedTurn]:
    """The turns of one session that its ledger has heard of (reported usage, or ended)."""
    first: dict[str, float] = {}
    for message in transcript.messages:
        stamp = times.get(message.id)
        if message.turn_id is not None and stamp is not None:
            first[message.turn_id] = min(stamp, first.get(message.turn_id, stamp))
    models = {turn.id: turn.usage.model for turn in transcript.turns if turn.usage is not None}
    for cost in summary.turns.values():
        if cost.session_id == record.id:
            day = datetime.fromtimestamp(first.get(cost.turn_id, record.created_at)).date()
            yield DatedTurn(record, day, cost, models.get(cost.turn_id) or record.model)


def dated_turns(store: Store, skip: Collection[str] = ()) -> Iterator[DatedTurn]:
    """Every turn of every stored session, the app's and `tui-app ask`'s (but those in `skip`)."""
    for record in store.sessions():
        if record.id in skip:
            continue
        unit: MoneyUnit = "credits" if record.money_unit == "credits" else "micros"
        restored = store.load_transcript(record.id)
        transcript = restored.transcript
        ledger = with_stored_session(
            UsageLedger(), record.id, transcript.turns, restored.ledger_entries, restored.llm_costs, unit
        )
        yield from _turns_of(record, transcript, store.message_times(record.id), summarize(ledger))


def live_turns(sessions: Iterable[SessionController], ledger: UsageLedger) -> Iterator[DatedTurn]:
    """Every turn of the sessions in memory (an app without a store), from the shared ledger."""
    summary = summarize(ledger)
    for session in sessions:
        yield from _turns_of(session.record(), session.transcript, session.message_times, summary)


def _group(turn: DatedTurn, by: Grouping) -> tuple[str, str]:
    if by == "day":
        return turn.day.isoformat(), turn.day.isoformat()
    if by == "session":
        return turn.record.id, strip_control(turn.record.title).replace("\n", " ")
    if by == "model":
        model = turn.model or NO_MODEL
        return model, strip_control(model)
    return turn.record.backend, turn.record.backend


@dataclass(slots=True)
class _Sum:
    label: str
    known: int = 0
    turns: int = 0
    unknown_turns: int = 0
    sessions: set[str] | None = None

    def add(self, turn: DatedTurn) -> None:
        cost = turn.cost.cost
        self.known += cost.amount
        self.turns += 1
        self.unknown_turns += cost.unknown_turns
        if self.sessions is None:
            self.sessions = set()
        self.sessions.add(turn.record.id)

    def row(self, key: str, unit: MoneyUnit) -> UsageRow:
        return UsageRow(key, self.label, unit, self.known, self.turns, self.unknown_turns, len(self.sessions or ()))


def build_report(turns: Iterable[DatedTurn], by: Grouping, since: date | None = None, until: date | None = None) -> UsageReport:
    """`turns` from `since` to `until` (both included) grouped `by`, one row per group and unit.
    Days come in order; other groups the costliest first."""
    groups: dict[tuple[str, MoneyUnit], _Sum] = {}
    totals: dict[MoneyUnit, _Sum] = {}
    for turn in turns:
        if (since is not None and turn.day < since) or (until is not None and turn.day > until):
            continue
        key, label = _group(turn, by)
        unit = turn.cost.cost.unit
        groups.setdefault((key, unit), _Sum(label)).add(turn)
        totals.setdefault(unit, _Sum("total")).add(turn)
    rows = [total.row(key, unit) for (key, unit), total in groups.items()]
    if by == "day":
        rows.sort(key=lambda row: (row.key, row.unit))
    else:
        rows.sort(key=lambda row: (row.unit, -row.known, -row.unknown_turns, row.label))
    return UsageReport(
        by, since, until, tuple(rows), tuple(total.row("total", unit) for unit, total in sorted(totals.items()))
    )


def usage_report(store: Store, by: Grouping, since: date | None = None, until: date | None = None) -> UsageReport:
    return build_report(dated_turns(store), by, since, until)
