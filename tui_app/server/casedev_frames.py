"""How a chat's log events look on the wire: on `respond` (Case.dev's normalized turn events) and
on `/stream` (OpenCode's `{type, properties}` envelope, as Case.dev relays it).

Every frame's JSON names its own type, because the SDKs drop the SSE `event:` line and hand
callers only the decoded data; each frame also keeps the `event:` line for other clients.
"""

from __future__ import annotations

import json
from contextlib import aclosing
from collections.abc import AsyncIterator, Callable
from typing import Any

from sse_starlette import ServerSentEvent

from tui_app.server.chats import Chat, ChatEvent
from tui_app.server.options import ServerOptions


def _frame(name: str, data: dict[str, Any], seq: int | None) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(data), event=name, id=None if seq is None else str(seq))


def respond_frame(event: ChatEvent, chat_id: str) -> ServerSentEvent:
    return _frame(event.name, {"type": event.name, **event.payload}, event.seq)


# Keepalives and the greeting carry no id: an id names an event of the log, and a client that
# resumed after N must never be sent an id <= N again (an SSE client keeps its last id anyway).
def respond_heartbeat() -> ServerSentEvent:
    return _frame("server.heartbeat", {"type": "server.heartbeat"}, None)


def _stream_shape(event: ChatEvent, chat_id: str) -> tuple[str, dict[str, Any]]:
    p = event.payload
    turn = {"turnId": p["turnId"]} if "turnId" in p else {}
    match event.name:
        case "turn.started":
            return "session.status", {"sessionID": chat_id, "status": {"type": "busy"}, **turn}
        case "turn.status":
            status = {"type": "busy", "turnStatus": p["status"], "message": p.get("message")}
            return "session.status", {"sessionID": chat_id, "status": status, **turn}
        case "message.created":
            info = {"id": p["messageId"], "sessionID": chat_id, "role": p.get("role", "assistant")}
            return "message.updated", {"info": info, **turn}
        case "message.part.updated":
            part = {**p["part"], "sessionID": chat_id, "messageID": p["messageId"]}
            shaped: dict[str, Any] = {"part": part, **turn}
            if "delta" in p:
                shaped["delta"] = p["delta"]
            return "message.part.updated", shaped
        case "message.completed":
            info = {"id": p["messageId"], "sessionID": chat_id, "role": "assistant", "finish": p.get("finish")}
            return "message.updated", {"info": info, **turn}
        case "question.asked":
            return "question.asked", {"id": p["requestID"], "sessionID": chat_id, "questions": p["questions"], **turn}
        case "question.replied" | "question.rejected":
            return event.name, {"sessionID": chat_id, **p}
        case "session.usage":
            return "session.usage", {"sessionID": chat_id, **p}
        case "turn.completed":
            return "session.idle", {"sessionID": chat_id, **p}
        case "chat.ended":
            return "session.deleted", {"sessionID": chat_id, **p}
    return event.name, {"sessionID": chat_id, **p}


def stream_frame(event: ChatEvent, chat_id: str) -> ServerSentEvent:
    name, properties = _stream_shape(event, chat_id)
    return _frame(name, {"type": name, "properties": properties}, event.seq)


def stream_heartbeat() -> ServerSentEvent:
    return _frame("server.heartbeat", {"type": "server.heartbeat", "properties": {}}, None)


def stream_connected() -> ServerSentEvent:
    return _frame("server.connected", {"type": "server.connected", "properties": {}}, None)


async def chat_frames(
    chat: Chat,
    after: int,
    options: ServerOptions,
    render: Callable[[ChatEvent, str], ServerSentEvent],
    heartbeat: Callable[[], ServerSentEvent],
    keep: Callable[[ChatEvent], bool] = lambda event: True,
    last: Callable[[ChatEvent], bool] = lambda event: False,
) -> AsyncIterator[ServerSentEvent]:
    """Frames of the chat's events after `after`, with keepalives in between.

    Keepalives come from here rather than from sse-starlette's pinger so that they stay in order
    with the frames, and are JSON (the SDK cannot decode a comment once it has seen an id).
    The `drop_stream_after` fault ends the stream after that many frames, as a lost connection.
    """
    sent = 0
    # Closed as soon as this stream ends, not whenever it is collected: it counts as a reader.
    async with aclosing(chat.follow(after, lambda: options.heartbeat_seconds)) as events:
        async for event in events:
            if event is None:
                yield heartbeat()
                continue
            if not keep(event):
                continue
            # Decide on the drop when the next frame is due, not after the last one was sent: code
            # after a `yield` runs late (when the response asks for more), by which time a test may
            # have set the knob for its next stream.
            if options.drops_stream_now(sent):
                return
            yield render(event, chat.id)
            sent += 1
            if last(event):
                return
