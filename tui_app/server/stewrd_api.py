"""The Stewrd API surface of the embedded server (being written)."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import Route

from tui_app.server.stewrd_sessions import StewrdRegistry

DOCS_URL = "https://docs.stewrd.dev/errors"


def stewrd_error(status: int, code: str, message: str) -> JSONResponse:
    """Stewrd's documented error body: `{"error": {code, message, docs}}`."""
    return JSONResponse({"error": {"code": code, "message": message, "docs": f"{DOCS_URL}#{code}"}}, status_code=status)


def stewrd_routes(registry: StewrdRegistry) -> list[Route]:
    return []
