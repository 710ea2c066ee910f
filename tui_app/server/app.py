"""The embedded server's HTTP surface: Case.dev agent chat v1 (create and respond, for now)."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui_app.server.chats import Chat, ChatEvent, ChatRegistry
from tui_app.server.options import ServerOptions

DEFAULT_IDLE_TIMEOUT_MS = 15 * 60 * 1000
MIN_IDLE_TIMEOUT_MS = 60 * 1000
MAX_IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000
# The casedev SDK times a stream out after 60 s of silence; keepalives must come sooner, and as
# JSON data events, because the SDK json-decodes every frame (an SSE comment would break it).
HEARTBEAT_SECONDS = 15


def error_response(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "code": code}}, status_code=status, headers=headers)


class BearerAuth(BaseHTTPMiddleware):
    """Every route needs `Authorization: Bearer <the server's key>`."""

    def __init__(self, app: Any, api_key: str) -> None:
        super().__init__(app)
        self._expected = f"Bearer {api_key}".encode()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not secrets.compare_digest(given, self._expected):
            return error_response(401, "Missing or invalid API key", "UNAUTHORIZED")
        return await call_next(request)


def _frame(event: ChatEvent) -> ServerSentEvent:
    # The SDK drops `event:` and `id:`, so the JSON carries its own type as well.
    return ServerSentEvent(
        data=json.dumps({"type": event.name, **event.payload}), event=event.name, id=str(event.seq)
    )


def _heartbeat() -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps({"type": "server.heartbeat"}), event="server.heartbeat")


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return error_response(400, "The request body is not valid JSON", "INVALID_BODY")
    if not isinstance(body, dict):
        return error_response(400, "The request body must be a JSON object", "INVALID_BODY")
    return body


def _text_of_parts(body: dict[str, Any]) -> str | JSONResponse:
    parts = body.get("parts")
    if not isinstance(parts, list) or not parts:
        return error_response(400, "Field 'parts' is required: a list of {type: 'text', text}", "INVALID_BODY")
    texts = [p.get("text") for p in parts if isinstance(p, dict) and p.get("type") == "text"]
    if not texts or not all(isinstance(t, str) for t in texts):
        return error_response(400, "Field 'parts' needs at least one {type: 'text', text: string}", "INVALID_BODY")
    text = "\n".join(texts)
    if not text.strip():
        return error_response(400, "The message text is empty", "INVALID_BODY")
    return text


class ChatRoutes:
    def __init__(self, registry: ChatRegistry) -> None:
        self.registry = registry

    def _chat(self, request: Request) -> Chat | JSONResponse:
        chat = self.registry.chats.get(request.path_params["chat_id"])
        if chat is None:
            return error_response(404, "Chat not found", "NOT_FOUND")
        if chat.status == "ended":
            return error_response(410, "This chat has ended", "CHAT_ENDED")
        return chat

    async def create(self, request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, JSONResponse):
            return body
        idle = body.get("idleTimeoutMs") or DEFAULT_IDLE_TIMEOUT_MS
        if not isinstance(idle, int) or not MIN_IDLE_TIMEOUT_MS <= idle <= MAX_IDLE_TIMEOUT_MS:
            return error_response(
                400, "idleTimeoutMs must be an integer from 60000 (1 min) to 86400000 (24 h)", "INVALID_BODY"
            )
        title, model = body.get("title"), body.get("model")
        chat = self.registry.create(title if isinstance(title, str) else None, model if isinstance(model, str) else None, idle)
        return JSONResponse(
            {"id": chat.id, "status": chat.status, "idleTimeoutMs": chat.idle_timeout_ms, "createdAt": chat.created_at}
        )

    async def respond(self, request: Request) -> Response:
        chat = self._chat(request)
        if isinstance(chat, JSONResponse):
            return chat
        body = await _json_body(request)
        if isinstance(body, JSONResponse):
            return body
        text = _text_of_parts(body)
        if isinstance(text, JSONResponse):
            return text
        if chat.active_turn_id is not None:
            return error_response(
                409,
                "A turn is already active on this session",
                "TURN_CONFLICT",
                headers={"Retry-After": "2", "X-Active-Turn-Id": chat.active_turn_id},
            )
        after = len(chat.events)
        turn = self.registry.start_turn(chat, text)

        async def frames() -> AsyncIterator[ServerSentEvent]:
            async for event in chat.follow(after):
                if event.payload.get("turnId") != turn.id:
                    continue
                yield _frame(event)
                if event.name == "turn.completed":
                    return

        return EventSourceResponse(frames(), ping=HEARTBEAT_SECONDS, ping_message_factory=_heartbeat)


def create_app(api_key: str, options: ServerOptions | None = None) -> Starlette:
    registry = ChatRegistry(options or ServerOptions())
    routes = ChatRoutes(registry)
    app = Starlette(
        routes=[
            Route("/agent/v1/chat", routes.create, methods=["POST"]),
            Route("/agent/v1/chat/{chat_id}/respond", routes.respond, methods=["POST"]),
        ],
        middleware=[Middleware(BearerAuth, api_key=api_key)],
    )
    app.state.registry = registry
    return app
