"""A hostile Case.dev v1 chat service (and Stewrd's two calls) on 127.0.0.1, for attacking the client over real HTTP.

Each test says what the service does: the answer to each call (`Reply`: a status and a body, or
a stream of raw bytes written as they are). The shapes are PROTOCOL.md's; the contents are
whatever an attacker, or a broken service, would send.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

HOST = "127.0.0.1"
KEY = "sk_case_hostile_" + "h" * 24

# The strings an attacker puts in every field: terminal control (clipboard write, title change,
# hyperlink, screen clear, an 8-bit CSI), Textual markup (a closing tag that crashes, a live
# action), bidi overrides, zero-width characters, a lone surrogate.
OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
OSC_TITLE = "\x1b]0;pwned\x1b\\"
HYPERLINK = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"
MARKUP = "[/x] [@click=app.quit]quit[/] [b]bold"
BIDI = "\u202eevil\u202c"
ZERO_WIDTH = "a\u200bb\u2060c\ufeff"
HOSTILE = f"{OSC_CLIPBOARD}{OSC_TITLE}{HYPERLINK}{CLEAR}{C1_CSI} {MARKUP} {BIDI} {ZERO_WIDTH}"
LONE_SURROGATE = "\ud800"


def sse(event: str | None, data: Any, event_id: int | str | None = None) -> bytes:
    """One SSE frame. `data` that is not bytes is JSON; a lone surrogate goes out escaped."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    body = data.decode() if isinstance(data, bytes) else json.dumps(data)
    lines.append(f"data: {body}")
    return ("\n".join(lines) + "\n\n").encode()


def nested(depth: int) -> bytes:
    """A JSON object nested `depth` arrays deep."""
    return b'{"turnId": "t1", "deep": ' + b"[" * depth + b"]" * depth + b"}"


@dataclass
class Reply:
    """One answer: a status and a JSON-ish body, or (with `chunks`) an SSE stream of raw bytes."""

    status: int = 200
    body: bytes = b"{}"
    chunks: Callable[[], Iterator[bytes]] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        if self.chunks is None:
            return Response(self.body, self.status, self.headers, media_type="application/json")
        return StreamingResponse(_paced(self.chunks), self.status, self.headers, media_type="text/event-stream")


class _Stall(bytes):
    pass


STALL = _Stall()
"""A chunk that stalls the stream: nothing more is sent (no frame, no heartbeat) until the client
hangs up."""


async def _paced(chunks: Callable[[], Iterator[bytes]]) -> AsyncIterator[bytes]:
    # Made one at a time: a 20 MB attack must not sit in the server's memory (the test measures
    # the client's), and each write yields so the client reads as it comes.
    for chunk in chunks():
        if isinstance(chunk, _Stall):
            await asyncio.Event().wait()  # cancelled when the client disconnects
        yield chunk
        await asyncio.sleep(0)


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value).encode())


def stream_of(*frames: bytes) -> Reply:
    return Reply(chunks=lambda: iter(frames))


def turn(*middle: bytes, first_id: int = 1, status: str = "completed", error: Any = None) -> tuple[bytes, ...]:
    """A whole turn around `middle` frames: started, the frames, completed (ids from `first_id`)."""
    end: dict[str, Any] = {"turnId": "t1", "status": status}
    if error is not None:
        end["error"] = error
    return (
        sse("turn.started", {"turnId": "t1", "chatId": "chat_h"}, first_id),
        *middle,
        sse("turn.completed", end, first_id + len(middle) + 1),
    )


def text_part(text: str, event_id: int | str | None, part: str = "p1") -> bytes:
    return sse(
        "message.part.updated",
        {"turnId": "t1", "messageId": "m1", "partId": part, "part": {"id": part, "type": "text", "text": text}},
        event_id,
    )


@dataclass
class Script:
    """What the service answers; a test replaces what it attacks with."""

    create: Reply = field(default_factory=lambda: json_reply({"id": "chat_h", "status": "active"}))
    respond: Reply = field(default_factory=lambda: stream_of(*turn()))
    stream: Reply = field(default_factory=lambda: stream_of())
    end: Reply = field(default_factory=lambda: json_reply({"id": "chat_h", "status": "ended"}))
    files: Reply = field(default_factory=lambda: json_reply({"chatId": "chat_h", "files": []}))
    file: Reply = field(default_factory=lambda: Reply(body=b"hostile file content"))
    # Stewrd's two calls, for its adapter (`/v1/sessions`, then a streamed message).
    stewrd_create: Reply = field(default_factory=lambda: json_reply({"id": "sess_h", "status": "active"}))
    stewrd_message: Reply = field(default_factory=lambda: stream_of(sse(None, {"type": "done"})))
    calls: list[str] = field(default_factory=list)


def _app(script: Script) -> Starlette:
    def route(name: str) -> Callable[[Request], Any]:
        async def answer(request: Request) -> Response:
            script.calls.append(name)
            if request.headers.get("authorization") != f"Bearer {KEY}":
                return Response(b'{"error": {"message": "bad key"}}', 401, media_type="application/json")
            return getattr(script, name).response()

        return answer

    base = "/agent/v1/chat"
    return Starlette(
        routes=[
            Route(base, route("create"), methods=["POST"]),
            Route(base + "/{chat}/respond", route("respond"), methods=["POST"]),
            Route(base + "/{chat}/stream", route("stream"), methods=["GET"]),
            Route(base + "/{chat}", route("end"), methods=["DELETE"]),
            Route(base + "/{chat}/files", route("files"), methods=["GET"]),
            Route(base + "/{chat}/files/{path:path}", route("file"), methods=["GET"]),
            Route("/v1/sessions", route("stewrd_create"), methods=["POST"]),
            Route("/v1/sessions/{session}/messages", route("stewrd_message"), methods=["POST"]),
        ]
    )


class HostileServer:
    """The service in a background thread with its own loop; `script` may change between calls."""

    def __init__(self, script: Script | None = None) -> None:
        self.script = script or Script()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((HOST, 0))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(_app(self.script), log_config=None, log_level="critical", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve([self._socket])), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        pause = threading.Event()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the hostile server did not start")
            pause.wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()
