"""What the header and note of each mounted message show: who, when, the turn's state and its
cost. The costs come from whatever the app sets `turn_cost` to; `redraw` draws every mounted
header again at once, when those costs moved between two frames of the transcript (the usage
panel beside it was just drawn: the two show one figure in the same frame)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tui_app.core.cost import Cost
from tui_app.core.transcript import Message, Transcript, Turn
from tui_app.ui.widgets.transcript.message_view import MessageView, header_for, note_for
from tui_app.ui.widgets.transcript.message_window import MessageWindow


class MessageHeaders:
    """Decorates the transcript's message views (the window calls `decorate` as it mounts them)."""

    def __init__(self) -> None:
        self.times: Mapping[str, float] = {}
        """When each message appeared (set by the app with the session; read at each frame)."""
        self.turn_cost: Callable[[str], Cost | None] = lambda _turn_id: None
        """A turn's cost by its id (set by the app with the session)."""
        self._turns: tuple[Turn, ...] | None = None
        self._turn_by_id: dict[str, Turn] = {}

    def _cost(self, message: Message) -> Cost | None:
        return None if message.turn_id is None or message.role == "user" else self.turn_cost(message.turn_id)

    def _turn(self, transcript: Transcript, message: Message) -> Turn | None:
        if message.turn_id is None:
            return None
        if transcript.turns is not self._turns:
            self._turns = transcript.turns
            self._turn_by_id = {turn.id: turn for turn in transcript.turns}
        return self._turn_by_id.get(message.turn_id)

    def decorate(self, transcript: Transcript, message: Message, view: MessageView) -> None:
        turn = self._turn(transcript, message)
        view.set_header(header_for(message, transcript, self._cost(message), turn, self.times.get(message.id)))
        view.set_note(note_for(message, turn))

    def redraw(self, window: MessageWindow) -> None:
        """The headers of every message `window` has mounted, now (one that did not change is
        not repainted)."""
        transcript = window.shown
        if transcript is None:
            return
        messages = transcript.messages
        for index in range(window.first, min(window.end, len(messages))):
            message = messages[index]
            view = window.views.get(message.id)
            if view is not None:
                self.decorate(transcript, message, view)
