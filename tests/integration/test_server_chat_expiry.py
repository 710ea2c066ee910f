"""Idle chats leave the embedded server's memory, over real HTTP on 127.0.0.1: with no store
they are gone, with one they come back when asked for. Time is moved through the registry's
injected clock, so nothing here waits for an expiry to happen."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_client import CasedevTestClient, frames
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

EXPIRY = 60.0


class Clock:
    """The registry's clock, movable forward."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.shift


def served(options: ServerOptions, store: Path | None = None) -> tuple[EmbeddedServer, Clock]:
    server = EmbeddedServer(options, store_path=store).start()
    clock = Clock()
    server.registry.clock = clock
    return server, clock


@pytest.fixture
def memory_server() -> Iterator[tuple[EmbeddedServer, Clock]]:
    server, clock = served(ServerOptions(tokens_per_second=0, chat_expiry_seconds=EXPIRY))
    yield server, clock
    server.stop()


def wait_for(condition: object, what: str) -> None:
    for _ in range(1000):
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise AssertionError(f"never: {what}")


def test_chats_idle_past_the_expiry_leave_memory_and_are_gone_without_a_store(
    memory_server: tuple[EmbeddedServer, Clock],
) -> None:
    server, clock = memory_server
    client = CasedevTestClient(server)
    old = [client.create() for _ in range(3)]
    client.respond(old[0], "remember me")
    clock.shift = EXPIRY - 1
    recent = client.create()
    assert set(server.registry.chats) == {*old, recent}, "nothing leaves before its time"

    clock.shift = EXPIRY + 1
    newest = client.create()
    assert set(server.registry.chats) == {recent, newest}
    gone = client.http.get(f"{client.base}/{old[0]}/files")
    assert gone.status_code == 404
    client.close()


def test_a_chat_being_read_or_running_a_turn_stays_however_long(memory_server: tuple[EmbeddedServer, Clock]) -> None:
    server, clock = memory_server
    client = CasedevTestClient(server)
    read = client.create()
    greeted = threading.Event()
    release = threading.Event()

    def reader() -> None:
        with client.sse("GET", f"/{read}/stream") as source:
            frames(source, limit=1)  # the greeting: the stream is open
            greeted.set()
            release.wait(30)

    thread = threading.Thread(target=reader)
    thread.start()
    assert greeted.wait(30)
    clock.shift = 10 * EXPIRY
    client.create()
    assert read in server.registry.chats, "a chat with a reader stays"

    release.set()
    thread.join(30)
    wait_for(lambda: server.registry.chats[read].readers == 0, "the server to notice the reader has gone")
    clock.shift = 20 * EXPIRY
    client.create()
    assert read not in server.registry.chats
    client.close()


def test_with_a_store_an_expired_chat_comes_back_when_asked_for_with_its_history(tmp_path: Path) -> None:
    server, clock = served(ServerOptions(tokens_per_second=0, chat_expiry_seconds=EXPIRY), tmp_path / "chats.db")
    try:
        client = CasedevTestClient(server)
        chat = client.create()
        client.respond(chat, "my name is Ada")
        clock.shift = EXPIRY + 1
        client.create()
        assert chat not in server.registry.chats

        files = client.http.get(f"{client.base}/{chat}/files")
        assert files.status_code == 200 and files.json()["files"][0]["path"] == "out/turn-1.md"
        assert chat in server.registry.chats
        reply = client.http.post(f"{client.base}/{chat}/message", json={"parts": [{"type": "text", "text": "and?"}]})
        assert reply.status_code == 200
        assert "turn 2" in reply.json()["text"] and "my name is Ada" in reply.json()["text"]
        client.close()
    finally:
        server.stop()


def test_a_restart_reads_only_recent_chats_and_the_others_on_demand(tmp_path: Path) -> None:
    store = tmp_path / "chats.db"
    first, _ = served(ServerOptions(tokens_per_second=0), store)
    client = CasedevTestClient(first)
    chat = client.create()
    client.respond(chat, "kept on disk")
    client.close()
    first.stop()

    # Every chat is past an expiry of zero: none is read at start.
    second, _ = served(ServerOptions(tokens_per_second=0, chat_expiry_seconds=0), store)
    try:
        assert second.registry.chats == {}
        client = CasedevTestClient(second)
        described = client.http.get(f"{client.base}/{chat}/files")
        assert described.status_code == 200 and len(described.json()["files"]) == 1
        client.close()
    finally:
        second.stop()


def test_expired_stewrd_sessions_keep_no_history(fresh_server: EmbeddedServer) -> None:
    server = fresh_server
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        session = http.post("/v1/sessions").json()["id"]
        stewrd = server.app.state.stewrd
        assert http.post(f"/v1/sessions/{session}/messages", json={"message": "hello"}).status_code == 200
        assert stewrd.sessions[session].history
        stewrd.clock = lambda: time.monotonic() + 31 * 60  # past Stewrd's 30 min idle expiry
        assert http.post(f"/v1/sessions/{session}/messages", json={"message": "again"}).status_code == 410
        assert stewrd.sessions[session].history == []


@pytest.fixture
def fresh_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as running:
        yield running


def test_serve_takes_the_expiry_and_the_request_bound_as_flags() -> None:
    from tui_app.cli.main import build_parser
    from tui_app.cli.serve import options_from

    args = build_parser().parse_args(["serve", "--chat-expiry", "never", "--request-timeout", "5"])
    options = options_from(args)
    assert (options.chat_expiry_seconds, options.request_timeout_seconds) == (None, 5.0)
    assert options_from(build_parser().parse_args(["serve", "--chat-expiry", "90"])).chat_expiry_seconds == 90.0
