"""A session's files from its event log: what Stewrd returned with each reply, by turn."""

from __future__ import annotations

from tui_app.backends.stewrd_wire import MessageResponse, OutputFile, StewrdTurn
from tui_app.core.event_codec import decode, encode
from tui_app.core.events import DomainEvent, FilesReturned, ReturnedFile, TurnStarted
from tui_app.workspace.session_files import SessionFile, kept_files


def test_stewrd_files_with_a_reply_become_one_event_and_a_nameless_one_is_dropped() -> None:
    turn = StewrdTurn.new()
    reply = MessageResponse(message="ok", files=[OutputFile(name="notes/a.md", content="# A"), OutputFile(content="lost")])
    events = turn.opening() + turn.from_reply(reply)
    returned = [e for e in events if isinstance(e, FilesReturned)]
    assert returned == [FilesReturned(turn.turn_id, (ReturnedFile("notes/a.md", "# A"),))]
    assert decode(encode(returned[0])) == returned[0]


def test_kept_files_name_their_turn_and_a_later_version_wins() -> None:
    events: list[DomainEvent] = [
        TurnStarted("t1"),
        FilesReturned("t1", (ReturnedFile("a.md", "one"), ReturnedFile("b.md", "bee"))),
        TurnStarted("t2"),
        FilesReturned("t2", (ReturnedFile("a.md", "two!"),)),
    ]
    assert sorted(kept_files(events), key=lambda f: f.path) == [
        SessionFile("a.md", 4, 2, b"two!"),
        SessionFile("b.md", 3, 1, b"bee"),
    ]
