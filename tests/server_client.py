"""A small synchronous client for tests of the embedded server's Case.dev surface."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from httpx_sse import EventSource, connect_sse

from tui_app.server.runner import EmbeddedServer

Frame = tuple[str, int | None, dict[str, Any]]


class CasedevTestClient:
    def __init__(self, server: EmbeddedServer, key: str | None = None, version: int = 1) -> None:
        self.server = server
        self.base = f"/agent/v{version}/chat"
        self.http = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {key or server.api_key}"}, timeout=30
        )

    def close(self) -> None:
        self.http.close()

    def create(self, **body: Any) -> str:
        response = self.http.post(self.base, json=body)
        assert response.status_code == 200, response.text
        return response.json()["id"]

    @contextmanager
    def sse(self, method: str, path: str, **kwargs: Any) -> Iterator[EventSource]:
        with connect_sse(self.http, method, self.base + path, **kwargs) as source:
            yield source

    def respond(self, chat: str, text: str, **extra: Any) -> list[Frame]:
        with self.sse("POST", f"/{chat}/respond", json={"parts": [{"type": "text", "text": text}], **extra}) as source:
            assert source.response.status_code == 200, source.response.read()
            return frames(source)

    def stream(self, chat: str, last_event_id: int | None = None, limit: int | None = None, **kwargs: Any) -> list[Frame]:
        params = {} if last_event_id is None else {"lastEventId": last_event_id}
        with self.sse("GET", f"/{chat}/stream", params=params, **kwargs) as source:
            assert source.response.status_code == 200, source.response.read()
            return frames(source, limit=limit, until="session.idle")


def frames(source: EventSource, limit: int | None = None, until: str = "turn.completed") -> list[Frame]:
    """Frames as (name, id, data) until `until` (or `limit` frames, or the stream's end)."""
    collected: list[Frame] = []
    # A response can be iterated once: keep its event iterator so reading can resume later.
    events = source.__dict__.setdefault("_events", source.iter_sse())
    for sse in events:
        if not sse.data:
            continue
        data = json.loads(sse.data)
        collected.append((sse.event, int(sse.id) if sse.id else None, data))
        if sse.event == until or (limit is not None and len(collected) >= limit):
            break
    return collected


def text_of(frames_: list[Frame], kind: str = "text") -> str:
    """The final text of the last part of `kind` in respond frames."""
    parts = [d["part"] for n, _, d in frames_ if n == "message.part.updated" and d["part"]["type"] == kind]
    return parts[-1]["text"] if parts else ""


async def turn_from_another_client(server: EmbeddedServer, chat: str, text: str = "from elsewhere") -> threading.Thread:
    """Start a turn in `chat` as another client would, and return once the server runs it
    (join the thread to wait for its end)."""
    other = threading.Thread(
        target=lambda: httpx.post(
            f"{server.base_url}/agent/v1/chat/{chat}/message",
            json={"parts": [{"type": "text", "text": text}]},
            headers={"Authorization": f"Bearer {server.api_key}"},
            timeout=30,
        )
    )
    other.start()
    while server.registry.chats[chat].active_turn is None:
        await asyncio.sleep(0.01)
    return other
