"""The embedded server over real HTTP on 127.0.0.1, read with a plain SSE client."""

from __future__ import annotations

import json
from typing import Any

import httpx
from httpx_sse import connect_sse

from tui_app.server.runner import EmbeddedServer


def auth(server: EmbeddedServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.api_key}"}


def create_chat(server: EmbeddedServer) -> str:
    response = httpx.post(f"{server.base_url}/agent/v1/chat", json={"title": "t"}, headers=auth(server))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active" and body["idleTimeoutMs"] == 15 * 60 * 1000 and body["createdAt"]
    return body["id"]


def respond(server: EmbeddedServer, chat_id: str, text: str) -> list[tuple[str, str, dict[str, Any]]]:
    """One turn's frames as (event name, id, data)."""
    body = {"parts": [{"type": "text", "text": text}]}
    with httpx.Client(headers=auth(server)) as client:
        url = f"{server.base_url}/agent/v1/chat/{chat_id}/respond"
        with connect_sse(client, "POST", url, json=body) as source:
            assert source.response.status_code == 200
            return [(sse.event, sse.id, json.loads(sse.data)) for sse in source.iter_sse() if sse.data]


def test_a_turn_streams_protocol_events_with_usage_before_completion(server: EmbeddedServer) -> None:
    frames = respond(server, create_chat(server), "hello")
    names = [name for name, _, _ in frames]
    assert names[:3] == ["turn.started", "turn.status", "message.created"]
    assert names[-3:] == ["message.completed", "session.usage", "turn.completed"]
    # Every frame names itself in its JSON too, because the SDK drops the `event:` line.
    assert all(data["type"] == name for name, _, data in frames)
    ids = [int(frame_id) for _, frame_id, _ in frames]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    parts = [data for name, _, data in frames if name == "message.part.updated"]
    assert parts[-1]["part"]["text"] == "".join(p["delta"] for p in parts)
    assert "You said “hello”" in parts[-1]["part"]["text"]

    usage = frames[-2][2]["usage"]
    assert usage["summary"]["costMicros"] == sum(entry["costMicros"] for entry in usage["entries"])
    assert usage["outputTokens"] == len(parts)
    assert isinstance(usage["costMicros"], int) and usage["costMicros"] > 0


def test_interim_usage_grows_during_the_turn(server: EmbeddedServer) -> None:
    frames = respond(server, create_chat(server), "count my cost")
    costs = [data["usage"]["summary"]["costMicros"] for name, _, data in frames if name == "session.usage"]
    assert len(costs) >= 3
    assert costs == sorted(costs) and len(set(costs)) == len(costs)


def test_the_second_turn_answers_in_context(server: EmbeddedServer) -> None:
    chat = create_chat(server)
    respond(server, chat, "my name is Ada")
    frames = respond(server, chat, "what is my name?")
    text = [d for n, _, d in frames if n == "message.part.updated"][-1]["part"]["text"]
    assert "turn 2" in text and "“my name is Ada”" in text


def test_a_second_turn_while_one_runs_gets_409_with_retry_headers(paced_server: EmbeddedServer) -> None:
    chat = create_chat(paced_server)
    body = {"parts": [{"type": "text", "text": "a long one"}]}
    url = f"{paced_server.base_url}/agent/v1/chat/{chat}/respond"
    with httpx.Client(headers=auth(paced_server), timeout=30) as client:
        with connect_sse(client, "POST", url, json=body) as first:
            events = first.iter_sse()
            turn_id = json.loads(next(events).data)["turnId"]
            conflict = client.post(url, json=body)
            assert conflict.status_code == 409
            assert conflict.json()["error"]["code"] == "TURN_CONFLICT"
            assert conflict.headers["x-active-turn-id"] == turn_id
            assert int(conflict.headers["retry-after"]) > 0
            for _ in events:
                pass


def test_requests_without_the_key_get_401(server: EmbeddedServer) -> None:
    response = httpx.post(f"{server.base_url}/agent/v1/chat", json={}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_unknown_chat_is_404_and_a_body_without_parts_is_400_naming_the_field(server: EmbeddedServer) -> None:
    missing = httpx.post(f"{server.base_url}/agent/v1/chat/chat_nope/respond", json={"parts": []}, headers=auth(server))
    assert missing.status_code == 404
    chat = create_chat(server)
    no_parts = httpx.post(f"{server.base_url}/agent/v1/chat/{chat}/respond", json={}, headers=auth(server))
    assert no_parts.status_code == 400
    assert "parts" in no_parts.json()["error"]["message"]


def test_idle_timeout_out_of_range_is_refused(server: EmbeddedServer) -> None:
    response = httpx.post(
        f"{server.base_url}/agent/v1/chat", json={"idleTimeoutMs": 1000}, headers=auth(server)
    )
    assert response.status_code == 400
    assert "idleTimeoutMs" in response.json()["error"]["message"]
