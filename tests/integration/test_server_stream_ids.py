"""Event ids on the embedded server's `/stream` feed, read as raw SSE lines over real HTTP: a
frame's id is only what its own `id:` line says (httpx-sse would carry the last one forward)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.server_client import CasedevTestClient
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

RawFrame = dict[str, str]


@pytest.fixture
def beating_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, heartbeat_seconds=0.05)) as running:
        yield running


def raw_frames(response: httpx.Response, count: int) -> list[RawFrame]:
    """The first `count` frames, each as its fields (`id`, `event`, `data`) as sent."""
    collected: list[RawFrame] = []
    fields: RawFrame = {}
    for line in response.iter_lines():
        if line == "":
            if fields:
                collected.append(fields)
                fields = {}
                if len(collected) == count:
                    return collected
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
    return collected


def open_stream(server: EmbeddedServer, chat: str, headers: dict[str, str], count: int) -> list[RawFrame]:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        headers = {"Authorization": f"Bearer {server.api_key}", **headers}
        with http.stream("GET", f"/agent/v1/chat/{chat}/stream", headers=headers) as response:
            assert response.status_code == 200
            return raw_frames(response, count)


def test_resuming_after_n_never_sends_an_id_up_to_n_greeting_and_heartbeats_included(beating_server: EmbeddedServer) -> None:
    client = CasedevTestClient(beating_server)
    chat = client.create()
    turn = client.respond(chat, "one")
    last = max(frame_id for _, frame_id, _ in turn if frame_id is not None)

    for after in (0, 3, last):
        # Enough frames for the greeting, the rest of the log and a few heartbeats after it.
        frames = open_stream(beating_server, chat, {"Last-Event-ID": str(after)}, count=last - after + 4)
        assert json.loads(frames[0]["data"])["type"] == "server.connected"
        assert "id" not in frames[0], "the greeting names no event of the log"
        ids = [int(frame["id"]) for frame in frames if "id" in frame]
        assert ids == list(range(after + 1, last + 1)), after
        beats = [frame for frame in frames if frame.get("event") == "server.heartbeat"]
        assert beats and all("id" not in beat for beat in beats)
    client.close()
