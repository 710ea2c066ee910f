"""The embedded server's ASGI app: both API surfaces behind one key check and the fault knobs."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tui_app.server.casedev_api import casedev_error, casedev_routes
from tui_app.server.chat_store import ChatStore
from tui_app.server.chats import ChatRegistry
from tui_app.server.host_check import HostCheck
from tui_app.server.options import ServerOptions
from tui_app.server.stewrd_api import stewrd_error, stewrd_routes
from tui_app.server.stewrd_sessions import StewrdRegistry

_FAULT_TEXT = {
    429: ("Too many requests", "RATE_LIMITED", "rate_limited"),
    500: ("Internal error", "INTERNAL_ERROR", "compute_error"),
    502: ("Bad gateway", "BAD_GATEWAY", "compute_error"),
    503: ("Service unavailable", "SERVICE_UNAVAILABLE", "service_unavailable"),
}


def _is_stewrd(path: str) -> bool:
    return path.startswith("/v1/")


def _error(path: str, status: int, message: str, casedev_code: str, stewrd_code: str) -> JSONResponse:
    if _is_stewrd(path):
        return stewrd_error(status, stewrd_code, message)
    return casedev_error(status, message, casedev_code)


class KeysAndFaults:
    """Checks the bearer key (and which scope it has), then applies the injected-failure knob.

    Pure ASGI rather than BaseHTTPMiddleware, so that SSE responses stream untouched.
    """

    def __init__(self, app: ASGIApp, keys: dict[str, str], options: ServerOptions) -> None:
        self.app = app
        self.keys = {f"Bearer {key}".encode(): scope for key, scope in keys.items()}
        self.options = options

    def _scope_of(self, scope: Scope) -> str | None:
        headers = dict(scope["headers"])
        given = headers.get(b"authorization")
        if given is not None:
            # Constant-time comparison against each accepted key.
            matches = [s for key, s in self.keys.items() if secrets.compare_digest(given, key)]
            return matches[0] if matches else None
        query = scope.get("query_string", b"")
        # v2 streams may be opened with a short-lived token instead (checked by the handler).
        if scope["path"].startswith("/agent/v2/chat/") and scope["path"].endswith("/stream") and b"token=" in query:
            return "stream-token"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        key_scope = self._scope_of(scope)
        if key_scope is None:
            response = _error(path, 401, "Missing or invalid API key", "UNAUTHORIZED", "invalid_api_key")
            await response(scope, receive, send)
            return
        if self.options.fail_next:
            status = self.options.fail_next.pop(0)
            message, casedev_code, stewrd_code = _FAULT_TEXT.get(status, ("Injected failure", "FAULT", "fault"))
            response = _error(path, status, f"{message} (injected by the server's fail_next option)", casedev_code, stewrd_code)
            if status in (429, 503):
                response.headers["Retry-After"] = "1"
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["key_scope"] = key_scope
        await self.app(scope, receive, send)


async def _no_route(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods answer in the API's own error shape, not Starlette's text."""
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return _error(request.url.path, 405, f"{request.method} is not allowed on {request.url.path}", "METHOD_NOT_ALLOWED", "invalid_body")
    return _error(request.url.path, 404, f"No such endpoint: {request.url.path}", "NOT_FOUND", "not_found")


def _wrong_host(path: str) -> Response:
    # The Host header is not echoed: it is the attacker's text.
    message = "This server answers only to its own address (127.0.0.1, localhost or [::1] with its port)"
    return _error(path, 400, message, "INVALID_HOST", "invalid_host")


def create_app(
    api_key: str, base_url: str, options: ServerOptions | None = None, store_path: Path | None = None
) -> Starlette:
    """The app, served at `base_url` (the only URL it hands out, and besides the loopback names
    the only host it answers to); with `store_path`, its Case.dev chats are kept there across
    restarts (whoever runs the app calls `app.state.registry.close()` once it has stopped)."""
    options = options or ServerOptions()
    registry = ChatRegistry(options, store=None if store_path is None else ChatStore(store_path))
    keys = {api_key: "full"}
    if options.read_only_key:
        keys[options.read_only_key] = "read"
    if options.stewrd_free_key:
        keys[options.stewrd_free_key] = "free"
    stewrd = StewrdRegistry(options)
    app = Starlette(
        routes=[*casedev_routes(registry, base_url), *stewrd_routes(stewrd)],
        middleware=[
            Middleware(HostCheck, base_url=base_url, refuse=_wrong_host),
            Middleware(KeysAndFaults, keys=keys, options=options),
        ],
        exception_handlers={404: _no_route, 405: _no_route},
    )
    app.state.registry = registry
    app.state.stewrd = stewrd
    return app
