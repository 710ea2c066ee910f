"""The embedded server's replay window (`replay_window`, `tui-app serve --replay-window N`): a chat
keeps only its last N events for a resuming client, as a real service's buffer would."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_cli import run_cli, serving
from tests.server_client import CasedevTestClient
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer


@pytest.fixture
def windowed() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, replay_window=5)) as running:
        yield running


def ids(frames: list[tuple[str, int | None, dict[str, object]]]) -> list[int]:
    return [seq for _, seq, _ in frames if seq is not None]


def test_a_client_resuming_from_before_the_window_gets_only_the_last_n_events(windowed: EmbeddedServer) -> None:
    client = CasedevTestClient(windowed)
    try:
        chat = client.create()
        turn = client.respond(chat, "tell me about windows")
        last = ids(turn)[-1]
        assert last > 10  # a turn of many events, far more than the window keeps
        replayed = ids(client.stream(chat, last_event_id=1))
    finally:
        client.close()
    assert replayed == list(range(last - 4, last + 1))


def test_a_client_resuming_inside_the_window_misses_nothing(windowed: EmbeddedServer) -> None:
    client = CasedevTestClient(windowed)
    try:
        chat = client.create()
        last = ids(client.respond(chat, "hello"))[-1]
        assert ids(client.stream(chat, last_event_id=last - 3)) == [last - 2, last - 1, last]
    finally:
        client.close()


def test_by_default_a_whole_turn_is_replayed(server: EmbeddedServer) -> None:
    client = CasedevTestClient(server)
    try:
        chat = client.create()
        last = ids(client.respond(chat, "hello"))[-1]
        assert ids(client.stream(chat, last_event_id=0)) == list(range(1, last + 1))
    finally:
        client.close()


def test_serve_takes_the_replay_window_as_a_flag() -> None:
    assert "--replay-window" in run_cli("serve", "--help").stdout
    refused = run_cli("serve", "--replay-window", "0")
    assert refused.returncode == 2 and "at least 1 event" in refused.stderr
    key = "sk_local_test_" + "w" * 20
    with serving("--speed", "0", "--replay-window", "3", key=key) as (port, _):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            chat = http.post("/agent/v1/chat", json={}).json()["id"]
            body = http.post(f"/agent/v1/chat/{chat}/respond", json={"parts": [{"type": "text", "text": "x"}]}).text
            last = max(int(line[3:]) for line in body.splitlines() if line.startswith("id:"))
            with http.stream("GET", f"/agent/v1/chat/{chat}/stream", params={"lastEventId": 0}) as feed:
                seen: list[int] = []
                for line in feed.iter_lines():
                    if line.startswith("id:"):
                        seen.append(int(line[3:]))
                    if len(seen) == 3:
                        break
    assert seen == [last - 2, last - 1, last]
