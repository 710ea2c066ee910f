"""The Case.dev agent chat adapter (v1), over httpx and httpx-sse. Also drives the local server."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
from httpx_sse import aconnect_sse
from pydantic import ValidationError

from tui_app.backends.base import AgentBackend, Capabilities, RemoteSession
from tui_app.backends.casedev_wire import ChatCreated, respond_event_to_domain
from tui_app.backends.errors import BackendError, ConnectionFailed, error_from_response
from tui_app.config import ApiKey
from tui_app.core.events import DomainEvent, TurnCompleted

log = logging.getLogger(__name__)

# A turn can think for a while between tokens; the server sends a heartbeat well inside this.
STREAM_TIMEOUT = httpx.Timeout(connect=10.0, read=90.0, write=30.0, pool=10.0)


class CasedevBackend(AgentBackend):
    capabilities = Capabilities()

    def __init__(self, base_url: str, api_key: ApiKey, name: str = "casedev", service: str = "Case.dev") -> None:
        self.name = name
        self._service = service
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key.reveal()}"},
            timeout=STREAM_TIMEOUT,
        )

    async def _raise_for_status(self, response: httpx.Response) -> None:
        if response.is_success:
            return
        body = await response.aread()
        raise error_from_response(self._service, response.status_code, body, response.headers)

    async def create_session(self, title: str | None = None, model: str | None = None) -> RemoteSession:
        body = {key: value for key, value in (("title", title), ("model", model)) if value}
        try:
            response = await self._client.post("/agent/v1/chat", json=body)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None
        await self._raise_for_status(response)
        created = ChatCreated.model_validate(response.json())
        return RemoteSession(created.id, created.status, created.created_at)

    async def send(self, session_id: str, text: str) -> AsyncIterator[DomainEvent]:
        path = f"/agent/v1/chat/{session_id}/respond"
        body = {"parts": [{"type": "text", "text": text}]}
        try:
            async with aconnect_sse(self._client, "POST", path, json=body) as source:
                await self._raise_for_status(source.response)
                async for sse in source.aiter_sse():
                    # httpx-sse yields an empty `message` for each ping once an id was seen.
                    if not sse.data:
                        continue
                    event = self._decode(sse.event, sse.data)
                    if event is None:
                        continue
                    yield event
                    if isinstance(event, TurnCompleted):
                        return
        except httpx.TransportError as error:
            raise self._unreachable(error) from None
        raise BackendError(f"{self._service} closed the stream before the turn ended.")

    def _decode(self, name: str, data: str) -> DomainEvent | None:
        try:
            payload = json.loads(data)
            if not isinstance(payload, dict):
                raise ValueError("event data is not an object")
            # Frames without an `event:` line name themselves in `type` (the SDKs rely on it).
            if name == "message":
                name = str(payload.get("type", "message"))
            return respond_event_to_domain(name, payload)
        except (ValueError, ValidationError) as error:
            log.warning("skipped a malformed %s event: %s", name, error)
            return None

    def _unreachable(self, error: httpx.TransportError) -> ConnectionFailed:
        return ConnectionFailed(f"Could not reach {self._service} at {self._client.base_url} ({type(error).__name__}).")

    async def aclose(self) -> None:
        await self._client.aclose()
