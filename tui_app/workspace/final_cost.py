"""What a finished session cost, by both counts: the service's final figure and the ledger's total
(`core/reconciliation.py`), for the usage panel and the audit log."""

from __future__ import annotations

from tui_app.core.cost import session_cost
from tui_app.core.reconciliation import Reconciliation
from tui_app.core.session_state import TERMINAL
from tui_app.workspace.session_controller import SessionController


def reconciliation(session: SessionController) -> Reconciliation | None:
    """For a session that has ended (or expired), its reconciliation; None while it goes on.

    Only an end the client asked for brings a figure (Case.dev's `DELETE` answer, kept as the
    session's `final_cost`); an expired session, and Stewrd's (which ends none), get "not
    reported by the service"."""
    if session.state not in TERMINAL:
        return None
    service = session.status.final_cost if session.state == "ended" else None
    return Reconciliation(service, session_cost(session.book.ledger, session.id, session.backend.capabilities.money))
