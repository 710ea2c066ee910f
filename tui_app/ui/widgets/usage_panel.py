"""Usage and cost of the session on screen: the running turn live, then its final figure."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.widgets import Label, Static

from tui_app.core.budget import budget_level
from tui_app.core.cost import Cost, format_cost, summarize
from tui_app.core.money import format_micros, format_money
from tui_app.workspace.session_controller import SessionController
from tui_app.settings.user_settings import Budget


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

    def compose(self) -> ComposeResult:
        # Held, not queried: a session may report while the app shuts down and the panel's
        # children are already gone, where a query would raise.
        self._turn_box = Static(id="usage-turn")
        self._session_box = Static(id="usage-session")
        self._all_box = Static(id="usage-all")
        yield Label("Usage", classes="panel-title")
        yield self._turn_box
        yield self._session_box
        yield self._all_box

    def on_mount(self) -> None:
        self._turn_box.update("[dim]No turn yet.[/dim]")
        self._all_box.display = False

    def show(self, session: SessionController) -> None:
        transcript = session.transcript
        unit = session.backend.capabilities.money
        costs = summarize(session.book.ledger)
        turn = transcript.last_turn
        turn_box = self._turn_box
        if turn is None:
            turn_box.update("[dim]No turn yet.[/dim]")
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
            if turn_cost and turn_cost.llm is not None and turn_cost.llm != turn_cost.cost.exact:
                lines.insert(2, _row("  llm", format_money(turn_cost.llm, unit)))
            if turn_cost and usage and usage.entries:
                lines.append(_row("entries", str(turn_cost.cost.entries)))
            turn_box.update("\n".join(escape(line) if i else line for i, line in enumerate(lines)))
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
        self._session_box.update("\n".join(session_lines))
        self.show_all_sessions(session)

    def show_all_sessions(self, session: SessionController) -> None:
        """What every session of the app has cost, from the ledger they share, beside `session`
        (the one on screen): one line per unit, its unit first, as dollars and credits never add.

        Hidden until another session has billed something: until then it would only repeat the
        session's cost, and the side column has few rows to spare at 80x24.
        """
        everything = summarize(session.book.ledger).overall
        box = self._all_box
        overall = self.budget.overall_micros
        box.display = overall is not None or any(other != session.id for other in everything.sessions)
        if not box.display:
            return
        unit = session.backend.capabilities.money
        units = sorted(everything.by_unit, key=lambda u: (u != unit, u))
        lines = ["[b]All sessions[/b]"]
        lines += [escape(_row("" if i else "cost", format_cost(everything.by_unit[u]))) for i, u in enumerate(units)]
        if overall is not None:
            lines.append(_budget_row("budget", everything.get("micros"), overall, self.budget.warn_ratio))
        box.update("\n".join(lines))
