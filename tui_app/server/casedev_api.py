"""The Case.dev agent chat API of the embedded server: v1 paths, and v2 with `model` on
respond/message, `provider`, `runtimeState` and stream tokens."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any
from urllib.parse import quote, unquote

from sse_starlette import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui_app.server.casedev_frames import (
    chat_frames,
    respond_frame,
    respond_heartbeat,
    stream_connected,
    stream_frame,
    stream_heartbeat,
)
from tui_app.server.chats import Chat, ChatRegistry, TurnRecord
from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.request_body import BodyRefused, read_json_object, too_long
from tui_app.server.turns import TurnRunner

DEFAULT_IDLE_TIMEOUT_MS = 15 * 60 * 1000
MIN_IDLE_TIMEOUT_MS = 60 * 1000
MAX_IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000
DEFAULT_MODEL = "anthropic/claude-sonnet-4.6"
STREAM_TOKEN_SECONDS = 15 * 60
# sse-starlette's own pinger sends SSE comments, which break the SDK's JSON decoding once an id
# was seen; our generators send JSON heartbeats instead, so its pinger is set never to fire.
NO_COMMENT_PINGS = 10**9


def casedev_error(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "code": code}}, status_code=status, headers=headers)


def _bad(message: str) -> JSONResponse:
    return casedev_error(400, message, "INVALID_BODY")


class _Refused(Exception):
    def __init__(self, response: JSONResponse) -> None:
        self.response = response


async def _json_body(request: Request, options: ServerOptions) -> dict[str, Any]:
    try:
        return await read_json_object(request, options)
    except BodyRefused as refused:
        code = {408: "REQUEST_TIMEOUT", 413: "PAYLOAD_TOO_LARGE"}.get(refused.status, "INVALID_BODY")
        raise _Refused(casedev_error(refused.status, refused.message, code)) from None


def _optional(body: dict[str, Any], name: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool) and kind is int):
        raise _Refused(_bad(f"Field '{name}' must be {what}"))
    return value


def _message_text(body: dict[str, Any], limit: int) -> str:
    parts = body.get("parts")
    if not isinstance(parts, list) or not parts:
        raise _Refused(_bad("Field 'parts' is required: a non-empty list of {type: 'text', text}"))
    texts: list[str] = []
    for index, part in enumerate(parts):
        if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise _Refused(_bad(f"Field 'parts[{index}]' must be {{type: 'text', text: string}}"))
        texts.append(part["text"])
    text = "\n".join(texts)
    if not text.strip():
        raise _Refused(_bad("Field 'parts' holds no text"))
    if len(text) > limit:
        raise _Refused(_bad(too_long("parts", limit).message))
    return text


def _turn_conflict(turn: TurnRecord) -> JSONResponse:
    return casedev_error(
        409,
        "A turn is already active on this session",
        "TURN_CONFLICT",
        headers={"Retry-After": "2", "X-Active-Turn-Id": turn.id},
    )


def _handled(handler: Any) -> Any:
    """Turn a `_Refused` raised anywhere in a handler into its response."""

    async def endpoint(self: CasedevApi, request: Request) -> Response:
        try:
            return await handler(self, request)
        except _Refused as refused:
            return refused.response

    endpoint.__name__ = handler.__name__
    return endpoint


class CasedevApi:
    def __init__(self, registry: ChatRegistry, base_url: str) -> None:
        self.registry = registry
        self.base_url = base_url.rstrip("/")
        """Where clients reach this server: URLs handed out start with it, never with the request's Host."""
        self.runner = TurnRunner(registry)

    # --- helpers -------------------------------------------------------------------------

    def _chat(self, request: Request) -> Chat:
        chat = self.registry.get(request.path_params["chat_id"])
        if chat is None:
            raise _Refused(casedev_error(404, "Chat not found", "NOT_FOUND"))
        if chat.ended:
            raise _Refused(casedev_error(410, "This chat has ended", "CHAT_ENDED"))
        return chat

    @staticmethod
    def _version(request: Request) -> int:
        return 2 if request.url.path.startswith("/agent/v2/") else 1

    @staticmethod
    def _require_write(request: Request) -> None:
        if getattr(request.state, "key_scope", "full") == "read":
            raise _Refused(casedev_error(403, "This API key lacks the agent:write permission", "FORBIDDEN"))

    def _describe(self, chat: Chat) -> dict[str, Any]:
        described: dict[str, Any] = {
            "id": chat.id,
            "status": self.registry.status(chat),
            "idleTimeoutMs": chat.idle_timeout_ms,
            "createdAt": chat.created_at,
        }
        if chat.version == 2:
            described["provider"] = "tui-app-demo"
            described["runtimeState"] = "running" if described["status"] == "active" else "snapshotted"
            described["model"] = chat.model
        return described

    def _start(self, request: Request, chat: Chat, body: dict[str, Any]) -> TurnRecord:
        self._require_write(request)
        text = _message_text(body, self.registry.options.max_message_chars)
        model = _optional(body, "model", str, "a string") if self._version(request) == 2 else None
        if chat.active_turn is not None:
            raise _Refused(_turn_conflict(chat.active_turn))
        return self.runner.start(chat, text, model)

    # --- endpoints -----------------------------------------------------------------------

    @_handled
    async def create(self, request: Request) -> Response:
        self._require_write(request)
        body = await _json_body(request, self.registry.options)
        title = _optional(body, "title", str, "a string")
        if title is not None and len(title) > self.registry.options.max_title_chars:
            raise _Refused(_bad(too_long("title", self.registry.options.max_title_chars).message))
        model = _optional(body, "model", str, "a string")
        _optional(body, "vaultIds", list, "a list of vault ids")
        idle = _optional(body, "idleTimeoutMs", int, "an integer number of milliseconds")
        idle = DEFAULT_IDLE_TIMEOUT_MS if idle is None else idle
        if not MIN_IDLE_TIMEOUT_MS <= idle <= MAX_IDLE_TIMEOUT_MS:
            raise _Refused(_bad("Field 'idleTimeoutMs' must be from 60000 (1 min) to 86400000 (24 h)"))
        chat = self.registry.create(title, model or demo_agent.DEMO_MODEL, idle, self._version(request))
        return JSONResponse(self._describe(chat))

    @_handled
    async def respond(self, request: Request) -> Response:
        chat = self._chat(request)
        body = await _json_body(request, self.registry.options)
        after = chat.next_seq - 1
        turn = self._start(request, chat, body)
        frames = chat_frames(
            chat,
            after,
            self.registry.options,
            respond_frame,
            respond_heartbeat,
            keep=lambda event: event.turn_id == turn.id,
            last=lambda event: event.name == "turn.completed",
        )
        return EventSourceResponse(frames, ping=NO_COMMENT_PINGS)

    @_handled
    async def message(self, request: Request) -> Response:
        chat = self._chat(request)
        body = await _json_body(request, self.registry.options)
        turn = self._start(request, chat, body)
        assert turn.task is not None
        # The turn belongs to the chat, not to this request: a client that gives up does not
        # cancel it, exactly as with `respond`.
        await asyncio.shield(turn.task)
        return JSONResponse(
            {
                "id": turn.message_id,
                "chatId": chat.id,
                "turnId": turn.id,
                "role": "assistant",
                "status": turn.status,
                "text": turn.reply_text,
                "parts": list(turn.parts.values()),
                "usage": turn.usage,
            }
        )

    @_handled
    async def stream(self, request: Request) -> Response:
        chat = self._chat(request)
        self._check_stream_token(request, chat)
        raw = request.query_params.get("lastEventId") or request.headers.get("last-event-id") or "0"
        try:
            after = int(raw)
        except ValueError:
            raise _Refused(_bad("lastEventId (or the Last-Event-ID header) must be an integer")) from None
        if after < 0:
            raise _Refused(_bad("lastEventId must not be negative"))

        async def frames() -> Any:
            yield stream_connected()
            async for frame in chat_frames(
                chat,
                after,
                self.registry.options,
                stream_frame,
                stream_heartbeat,
                last=lambda event: event.name == "chat.ended",
            ):
                yield frame

        return EventSourceResponse(frames(), ping=NO_COMMENT_PINGS)

    def _check_stream_token(self, request: Request, chat: Chat) -> None:
        if getattr(request.state, "key_scope", None) != "stream-token":
            return  # a Bearer key was given, and it wins over a token
        entry = self.registry.stream_tokens.get(request.query_params.get("token", ""))
        if entry is None or entry[0] != chat.id or entry[1] < self.registry.clock():
            raise _Refused(casedev_error(401, "The stream token is invalid or has expired", "UNAUTHORIZED"))

    @_handled
    async def stream_token(self, request: Request) -> Response:
        chat = self._chat(request)
        token = "stk_" + secrets.token_urlsafe(24)
        self.registry.stream_tokens[token] = (chat.id, self.registry.clock() + STREAM_TOKEN_SECONDS)
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + STREAM_TOKEN_SECONDS))
        stream_url = f"{self.base_url}/agent/v2/chat/{chat.id}/stream?token={token}"
        return JSONResponse({"token": token, "expiresAt": expires, "streamUrl": stream_url})

    @_handled
    async def reply(self, request: Request) -> Response:
        chat = self._chat(request)
        self._require_write(request)
        request_id = unquote(request.path_params["request_id"])
        pending = chat.questions.get(request_id)
        if pending is None or pending.answer.done():
            raise _Refused(casedev_error(404, f"No pending question {request_id!r} in this chat", "NOT_FOUND"))
        body = await _json_body(request, self.registry.options)
        problem = demo_agent.check_answers(pending.questions, body.get("answers"))
        if problem:
            raise _Refused(_bad(problem))
        pending.answer.set_result(body["answers"])
        return Response(status_code=204)

    async def _cancel_turn(self, chat: Chat) -> None:
        turn = chat.active_turn
        if turn is not None and turn.task is not None:
            turn.task.cancel()
            await asyncio.wait({turn.task}, timeout=5)

    @_handled
    async def cancel(self, request: Request) -> Response:
        chat = self._chat(request)
        self._require_write(request)
        await self._cancel_turn(chat)
        return JSONResponse({"id": chat.id, "ok": True})

    @_handled
    async def delete(self, request: Request) -> Response:
        chat = self._chat(request)
        self._require_write(request)
        await self._cancel_turn(chat)
        self.registry.end(chat)
        micros = self.registry.cost_micros(chat)
        await chat.publish("chat.ended", {"costMicros": micros})
        return JSONResponse(
            {
                "id": chat.id,
                "status": "ended",
                "cost": micros / 1_000_000,  # dollars, as the SDK types it (a float)
                "costMicros": micros,  # the exact figure, defined here
                "runtimeMs": chat.runtime_ms,
                "snapshotImageId": chat.snapshot_image_id,
            }
        )

    @_handled
    async def files(self, request: Request) -> Response:
        chat = self._chat(request)
        listed = [
            {"path": path, "name": path.rsplit("/", 1)[-1], "sizeBytes": len(content)}
            for path, content in sorted(chat.files.items())
        ]
        return JSONResponse({"chatId": chat.id, "files": listed})

    @_handled
    async def file(self, request: Request) -> Response:
        chat = self._chat(request)
        # The SDK sends the path as one percent-encoded segment. The routed path is decoded
        # already; decoding it again would turn a file named `a%41` into `aA`, so decode the raw
        # path once, then refuse escapes.
        path = unquote(_raw_file_path(request))
        segments = path.split("/")
        if not path or path.startswith("/") or "\\" in path or any(s in ("", ".", "..") for s in segments):
            raise _Refused(_bad(f"Invalid file path {path!r}: it must stay inside the workspace"))
        content = chat.files.get(path)
        if content is None:
            raise _Refused(casedev_error(404, f"No file {path!r} in this chat", "NOT_FOUND"))
        return Response(
            content,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{segments[-1]}"'},
        )


def _raw_file_path(request: Request) -> str:
    """What follows `/files/` in the path as sent, still percent-encoded."""
    raw = request.scope.get("raw_path")
    if not isinstance(raw, bytes):  # a server that does not pass it: the routed path is decoded once
        return quote(request.path_params["file_path"], safe="/")
    marker = f"/{request.path_params['chat_id']}/files/".encode()
    return raw.decode("latin-1").split("?", 1)[0].partition(marker.decode("latin-1"))[2]


def casedev_routes(registry: ChatRegistry, base_url: str) -> list[Route]:
    api = CasedevApi(registry, base_url)
    routes: list[Route] = []
    for version in (1, 2):
        base = f"/agent/v{version}/chat"
        routes += [
            Route(base, api.create, methods=["POST"]),
            Route(base + "/{chat_id}", api.delete, methods=["DELETE"]),
            Route(base + "/{chat_id}/message", api.message, methods=["POST"]),
            Route(base + "/{chat_id}/respond", api.respond, methods=["POST"]),
            Route(base + "/{chat_id}/stream", api.stream, methods=["GET"]),
            Route(base + "/{chat_id}/question/{request_id}/reply", api.reply, methods=["POST"]),
            Route(base + "/{chat_id}/cancel", api.cancel, methods=["POST"]),
            Route(base + "/{chat_id}/files", api.files, methods=["GET"]),
            Route(base + "/{chat_id}/files/{file_path:path}", api.file, methods=["GET"]),
        ]
    routes.append(Route("/agent/v2/chat/{chat_id}/stream-token", api.stream_token, methods=["POST"]))
    return routes
