"""The Stewrd API surface of the embedded server (being written)."""

from __future__ import annotations

from starlette.routing import Route

from tui_app.server.stewrd_sessions import StewrdRegistry


def stewrd_routes(registry: StewrdRegistry) -> list[Route]:
    return []
