"""`tui-app ask`: one message, the reply streamed to stdout as plain text, then a summary line."""

from __future__ import annotations

import sys
from typing import TextIO

from tui_app.backends.connection import Connection
from tui_app.core.events import PartUpdated
from tui_app.core.cost import format_cost, turn_cost
from tui_app.core.sanitize import strip_control
from tui_app.workspace.changes import SessionChange
from tui_app.workspace.session_controller import SessionController
from tui_app.workspace.workspace import Workspace


class _Printer:
    """Writes each part's new text as it grows, once, with control sequences removed."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.printed: dict[str, int] = {}

    def __call__(self, change: SessionChange) -> None:
        event = change.event
        if not isinstance(event, PartUpdated) or event.kind != "text":
            return
        message = change.session.transcript.message(event.message_id)
        part = next((p for p in message.parts if p.id == event.part_id), None) if message else None
        if part is None:
            return
        done = self.printed.get(part.id, 0)
        if part.size > done:  # only the new text is joined: a long reply prints in linear time
            self.out.write(strip_control(part.text_from(done)))
            self.out.flush()
            self.printed[part.id] = part.size


def summary_line(session: SessionController) -> str:
    turn = session.transcript.last_turn
    usage = turn.usage if turn else None
    if usage is None:
        return "cost unknown · tokens unknown"
    model = f" · {usage.model}" if usage.model else ""
    cost = turn_cost(session.book.ledger, session.id, turn.id) if turn else None
    return (
        f"cost {format_cost(cost) if cost else 'unknown'} · {usage.input_tokens} input tokens · "
        f"{usage.output_tokens} output tokens{model}"
    )


async def ask(connection: Connection, text: str, model: str | None = None, out: TextIO = sys.stdout) -> int:
    workspace = Workspace([connection], model=model)
    workspace.changes.subscribe(_Printer(out))
    workspace.start()
    try:
        session = await workspace.open_session("tui-app ask")
        await workspace.send(session, text)
    finally:
        await workspace.aclose()
    turn = session.transcript.last_turn
    out.write("\n" + summary_line(session) + "\n")
    out.flush()
    if turn is None or turn.state != "completed":
        reason = turn.error if turn and turn.error else "the turn did not complete"
        print(f"tui-app ask: {turn.state if turn else 'failed'}: {reason}", file=sys.stderr)
        return 1
    return 0
