"""Usage and cost of the session on screen: the running turn live, then its final figure.

On a short terminal (80x24) the panel gives the same figures in a few lines (`#usage-compact`),
so the session list above it keeps its rows; app.tcss picks the form by the height there is.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Label, Static

from tui_app.core.budget import budget_level
from tui_app.core.cost import Cost, CostSummary, format_cost, summarize
from tui_app.core.money import format_micros, format_money
from tui_app.workspace.final_cost import reconciliation
from tui_app.workspace.session_controller import SessionController
from tui_app.settings.user_settings import Budget
from tui_app.ui.widgets.quiet_update import update_quietly


def _row(name: str, value: str) -> str:
    return f"{name:<8}{value}"


_BUDGET_STYLES = {"over": "$error", "near": "$warning", "unknown": "$warning", "ok": "$success"}


def _budget_row(name: str, spent: Cost, limit: int, warn_ratio: float) -> str:
    style = _BUDGET_STYLES[budget_level(spent, limit, warn_ratio)]
    return f"{name:<8}[{style}]{escape(format_cost(spent))}[/] of {escape(format_micros(limit))}"


def credits_left(session: SessionController) -> int | None:
    """The account's credits after the latest turn that said (Stewrd reports it per request)."""
    for turn in reversed(session.transcript.turns):
        if turn.usage is not None and turn.usage.credits_remaining is not None:
            return turn.usage.credits_remaining
    return None


class UsagePanel(Vertical):
    """Cost in dollars formatted from integer micro-dollars, and token counts."""

    budget = Budget()
    """Set by the app from the user's settings."""

    def __init__(self, *children: Widget, **kwargs: Any) -> None:
        super().__init__(*children, **kwargs)
        self._extra_lines: dict[str, tuple[bool, bool]] = {}
        """Per session, whether its last turn with usage showed the llm and entries lines."""
        self.costs_shown: CostSummary | None = None
        """The summary the session's figures were last drawn from (by `show`): every other view
        of them on screen reads this one, so none shows a figure the panel does not show yet."""

    def compose(self) -> ComposeResult:
        # Held, not queried: a session may report while the app shuts down and the panel's
        # children are already gone, where a query would raise.
        self._turn_box = Static(id="usage-turn")
        self._session_box = Static(id="usage-session")
        self._all_box = Static(id="usage-all", classes="-empty")
        self._compact_box = Static(id="usage-compact")
        self._title = Label("Usage", classes="panel-title", markup=False)  # a title is the user's text
        yield self._title
        yield self._turn_box
        yield self._session_box
        yield self._all_box
        yield self._compact_box

    def on_mount(self) -> None:
        update_quietly(self._turn_box, "[dim]No turn yet.[/dim]")
        update_quietly(self._compact_box, "[dim]No turn yet.[/dim]")

    def show(self, session: SessionController) -> None:
        # Named, so the figures are never taken for another session's (issue 15).
        update_quietly(self._title, f"Usage · {session.title}")
        transcript = session.transcript
        unit = session.backend.capabilities.money
        costs = self.costs_shown = summarize(session.book.ledger)
        turn = transcript.last_turn
        turn_box = self._turn_box
        if turn is None:
            update_quietly(turn_box, "[dim]No turn yet.[/dim]")
        else:
            usage = turn.usage
            if turn.state == "running":
                state = "[b $warning]live[/]" if usage else "[dim]waiting…[/dim]"
            else:
                state = "[b $success]final[/]" if turn.state == "completed" else f"[b $error]{turn.state}[/]"
            turn_cost = costs.turn(session.id, turn.id)
            lines = [
                f"[b]This turn[/b]  {state}",
                _row("cost", format_cost(turn_cost.cost) if turn_cost else "…"),
                _row("input", f"{usage.input_tokens:,} tok" if usage else "…"),
                _row("output", f"{usage.output_tokens:,} tok" if usage else "…"),
            ]
            llm = turn_cost is not None and turn_cost.llm is not None and turn_cost.llm != turn_cost.cost.exact
            entries = bool(turn_cost and usage and usage.entries)
            if usage is None:
                # Until its usage comes, a turn keeps the lines the last one had: the panel's
                # height changing twice a turn laid out the whole screen, and the session list
                # above it, shorter by a line, could lose its scrollbar and redraw every row.
                had_llm, had_entries = self._extra_lines.get(session.id, (False, False))
                llm, entries = llm or had_llm, entries or had_entries
            else:
                self._extra_lines[session.id] = (llm, entries)
            if llm:
                lines.insert(2, _row("  llm", format_money(turn_cost.llm, unit) if turn_cost and turn_cost.llm is not None else "…"))
            if entries:
                lines.append(_row("entries", str(turn_cost.cost.entries) if turn_cost and usage else "…"))
            update_quietly(turn_box, "\n".join(escape(line) if i else line for i, line in enumerate(lines)))
        model = next((t.usage.model for t in reversed(transcript.turns) if t.usage and t.usage.model), None)
        session_lines = [
            "[b]Session[/b]",
            escape(_row("cost", format_cost(costs.session(session.id, unit).cost))),
            escape(_row("turns", str(len(transcript.turns)))),
            escape(_row("input", f"{transcript.input_tokens:,} tok")),
            escape(_row("output", f"{transcript.output_tokens:,} tok")),
        ]
        if model:
            session_lines.append(escape(_row("model", model)))
        if unit == "credits" and (left := credits_left(session)) is not None:
            session_lines.append(escape(_row("left", format_money(left, unit))))
        limit = self.budget.session_micros
        if unit == "micros" and limit is not None:
            spent = costs.session(session.id, unit).cost
            session_lines.append(_budget_row("budget", spent, limit, self.budget.warn_ratio))
        if (ended := reconciliation(session)) is not None:  # the service's final figure beside the ledger's
            session_lines.append(escape(_row("final", ended.short())))
        update_quietly(self._session_box, "\n".join(session_lines))
        self.show_all_sessions(session, costs)

    def _show_compact(self, session: SessionController, costs: CostSummary, all_lines: list[str]) -> None:
        """The figures that matter most, a line each: the turn, its tokens, the session, the
        budgets and every session's total. The turn's two lines are there from the session's
        start, "…" until its figures come: the panel growing by a line with a turn's first usage
        report moved the transcript and laid out the whole screen, once a turn."""
        unit = session.backend.capabilities.money
        turn = session.transcript.last_turn
        if turn is None:
            lines = [_row("turn", "none yet"), _row("tokens", "—")]
        else:
            turn_cost = costs.turn(session.id, turn.id)
            usage = turn.usage
            state = {"running": "live" if usage else "waiting", "completed": "final"}.get(turn.state, turn.state)
            tokens = f"{usage.input_tokens:,} in, {usage.output_tokens:,} out" if usage else "…"
            lines = [escape(_row("turn", f"{format_cost(turn_cost.cost) if turn_cost else '…'} {state}")), escape(_row("tokens", tokens))]
        spent = costs.session(session.id, unit).cost
        lines.append(escape(_row("session", format_cost(spent))))
        if (ended := reconciliation(session)) is not None:
            lines.append(escape(_row("final", ended.short())))
        limit = self.budget.session_micros
        if unit == "micros" and limit is not None:
            lines.append(_budget_row("budget", spent, limit, self.budget.warn_ratio))
        lines += all_lines
        update_quietly(self._compact_box, "\n".join(lines))

    def show_all_sessions(self, session: SessionController, costs: CostSummary | None = None) -> None:
        """What every session of the app has cost, from the ledger they share, beside `session`
        (the one on screen): one line per unit, its unit first, as dollars and credits never add.

        Hidden until another session has billed something: until then it would only repeat the
        session's cost, and the side column has few rows to spare at 80x24.
        """
        costs = costs or summarize(session.book.ledger)
        everything = costs.overall  # (the session's own figures wait for the next `show`)
        box = self._all_box
        overall = self.budget.overall_micros
        shown = overall is not None or any(other != session.id for other in everything.sessions)
        box.set_class(not shown, "-empty")  # a class, not `display`: app.tcss hides it when short
        compact: list[str] = []
        if shown:
            unit = session.backend.capabilities.money
            units = sorted(everything.by_unit, key=lambda u: (u != unit, u))
            figures = [escape(format_cost(everything.by_unit[u])) for u in units]
            lines = ["[b]All sessions[/b]"]
            lines += [_row("" if i else "cost", figure) for i, figure in enumerate(figures)]
            compact.append(_row("all", " + ".join(figures)))
            if overall is not None:
                budget = _budget_row("budget", everything.get("micros"), overall, self.budget.warn_ratio)
                lines.append(budget)
                compact.append(_budget_row("all budget ", everything.get("micros"), overall, self.budget.warn_ratio))
            update_quietly(box, "\n".join(lines))
        self._show_compact(session, self.costs_shown or costs, compact)
