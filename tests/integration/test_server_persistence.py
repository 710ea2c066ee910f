"""The embedded server's Case.dev chats outlive the server: stopped, or killed, and started again
on the same store (with a new port and key, as the app does on every run), it finds them as the
real service would, over real HTTP."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from tests.server_client import CasedevTestClient, Frame, frames, text_of
from tui_app.server import chat_model, demo_agent
from tui_app.server.chat_store import ChatStore, ChatStoreBusy, ChatStoreError
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer
from tui_app.server.turns import INTERRUPTED_ERROR

REPO = Path(__file__).resolve().parents[2]
# Comfortably past the registry's write-behind delay (FLUSH_SECONDS): what was streamed is on disk.
DURABLE = 0.15


@contextmanager
def running(store: Path, **options: Any) -> Iterator[CasedevTestClient]:
    """A server on `store` and a client for it; the server stops when the block ends."""
    server = EmbeddedServer(ServerOptions(**{"tokens_per_second": 0, **options}), store_path=store).start()
    client = CasedevTestClient(server)
    try:
        yield client
    finally:
        client.close()
        server.stop()


def user_message(text: str) -> dict[str, Any]:
    return {"parts": [{"type": "text", "text": text}]}


def turn_end(replay: list[Frame], turn_id: str) -> tuple[dict[str, Any], dict[str, Any], int]:
    """From a /stream replay: a turn's last usage, its `session.idle` and how many tokens it streamed."""
    own = [(name, data["properties"]) for name, _, data in replay if data["properties"].get("turnId") == turn_id]
    usage = [props["usage"] for name, props in own if name == "session.usage"][-1]
    idle = [props for name, props in own if name == "session.idle"][-1]
    deltas = sum(1 for name, props in own if name == "message.part.updated" and "delta" in props)
    return usage, idle, deltas


def test_a_chat_answered_before_a_restart_is_answered_in_context_after_it(tmp_path: Path) -> None:
    store = tmp_path / "local-server.db"
    with running(store) as first:
        chat = first.create(title="kept")
        first.respond(chat, "remember the lighthouse")
        replay_before = first.stream(chat, 0)
        ended = first.create()
        assert first.http.delete(f"{first.base}/{ended}").status_code == 200
        first_key = first.server.api_key

    with running(store) as second:
        assert second.server.api_key != first_key
        # The feed replays the first turn as it was: same ids, same payloads.
        assert second.stream(chat, 0) == replay_before

        answer = second.respond(chat, "and now the second message")
        statuses = [data["status"] for name, _, data in answer if name == "turn.status"]
        assert statuses == ["running"]  # still active: no snapshot to restore
        text = text_of(answer)
        assert text == demo_agent.reply(["remember the lighthouse"], "and now the second message")
        assert "This is turn 2" in text and "“remember the lighthouse”" in text
        assert answer[0][1] == replay_before[-1][1] + 1  # ids go on from where the log stopped

        listed = second.http.get(f"{second.base}/{chat}/files").json()["files"]
        assert [f["path"] for f in listed] == ["out/turn-1.md", "out/turn-2.md"]
        first_file = second.http.get(f"{second.base}/{chat}/files/out/turn-1.md")
        assert first_file.content.decode() == demo_agent.reply([], "remember the lighthouse")

        assert second.http.post(f"{second.base}/{ended}/respond", json=user_message("hi")).status_code == 410
        assert second.http.get(f"{second.base}/{ended}/stream").status_code == 410


def test_a_chat_idle_past_its_timeout_across_a_restart_resumes_from_its_snapshot(tmp_path: Path) -> None:
    store = tmp_path / "local-server.db"
    lifecycle = {"idle_scale": 0.001, "resume_delay": 0.05}  # a 60 s timeout lasts 60 ms
    with running(store, **lifecycle) as first:
        chat = first.create(idleTimeoutMs=60_000)
        first.respond(chat, "before the nap")
    time.sleep(0.1)
    with running(store, **lifecycle) as second:
        answer = second.respond(chat, "after the nap")
    statuses = [data["status"] for name, _, data in answer if name == "turn.status"]
    assert statuses == ["resuming", "running"]
    assert "This is turn 2" in text_of(answer) and "“before the nap”" in text_of(answer)


def test_a_turn_cut_by_stopping_the_server_reads_as_failed_with_its_usage_after_restart(tmp_path: Path) -> None:
    store = tmp_path / "local-server.db"
    with running(store, tokens_per_second=50) as first:
        chat = first.create()
        with first.sse("POST", f"/{chat}/respond", json=user_message("a long answer please")) as source:
            seen = frames(source, limit=12)
            first.server.stop()
    turn_id = seen[0][2]["turnId"]
    streamed_before_stop = sum(1 for name, _, _ in seen if name == "message.part.updated")

    with running(store) as second:
        replay = second.stream(chat, 0)
        usage, idle, deltas = turn_end(replay, turn_id)
        assert idle["status"] == "failed" and idle["error"] == INTERRUPTED_ERROR
        assert usage["outputTokens"] == deltas >= streamed_before_stop
        assert usage["summary"]["costMicros"] == demo_agent.cost_micros(usage["inputTokens"], deltas)
        # The chat is usable: the next message is answered (the failed turn is not context).
        assert second.respond(chat, "try again")[-1][2]["status"] == "completed"


def test_a_turn_cut_by_killing_the_server_process_is_closed_when_the_chat_is_loaded(tmp_path: Path) -> None:
    store = tmp_path / "local-server.db"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from tui_app.server.options import ServerOptions\n"
        "from tui_app.server.runner import EmbeddedServer\n"
        "server = EmbeddedServer(ServerOptions(tokens_per_second=200), store_path=Path(sys.argv[1])).start()\n"
        "print(server.base_url, server.api_key, flush=True)\n"
        "time.sleep(60)\n"
    )
    # The agent thinks, searches, then asks and waits: killed while its question is open.
    message = "think, then use the tool and ask me"
    process = subprocess.Popen([sys.executable, "-c", script, str(store)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url, key = process.stdout.readline().split()
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10) as http:
            chat = http.post("/agent/v1/chat", json={}).json()["id"]
            with connect_sse(http, "POST", f"/agent/v1/chat/{chat}/respond", json=user_message(message)) as source:
                seen = frames(source, until="question.asked")
                time.sleep(DURABLE)
                process.kill()
    finally:
        process.kill()
        process.wait(timeout=5)
    turn_id, question_id = seen[0][2]["turnId"], seen[-1][2]["requestID"]

    with running(store) as second:
        replay = second.stream(chat, 0)
        usage, idle, deltas = turn_end(replay, turn_id)
        assert idle["status"] == "failed" and idle["error"] == INTERRUPTED_ERROR
        own = [(name, data["properties"]) for name, _, data in replay if data["properties"].get("turnId") == turn_id]
        assert [name for name, _ in own[-3:]] == ["question.rejected", "session.usage", "session.idle"]
        assert own[-3][1]["requestID"] == question_id
        # Billed for what it did: the reasoning it streamed and the search it ran.
        plan = demo_agent.plan(message)
        assert plan.reasoning is not None and deltas == demo_agent.count_tokens(plan.reasoning)
        assert usage["outputTokens"] == deltas and usage["toolCalls"] == 1
        assert usage["inputTokens"] == demo_agent.input_tokens([], message)
        expected = demo_agent.cost_micros(usage["inputTokens"], deltas) + demo_agent.SEARCH_COST_MICROS
        assert usage["summary"]["costMicros"] == expected
        assert second.respond(chat, "try again")[-1][2]["status"] == "completed"


def test_ids_issued_after_a_restart_do_not_repeat_earlier_ones(tmp_path: Path) -> None:
    def ids_issued(client: CasedevTestClient) -> set[str]:
        issued: set[str] = set()
        for _ in range(2):
            chat = client.create()
            body = client.http.post(f"{client.base}/{chat}/message", json=user_message("hello")).json()
            issued |= {chat, body["turnId"], body["id"], *(part["id"] for part in body["parts"])}
        return issued

    store = tmp_path / "local-server.db"
    with running(store, seed=7) as first:
        before = ids_issued(first)
    with running(store, seed=7) as second:
        after = ids_issued(second)
    assert not before & after
    # A new store changes nothing for a seeded run: it issues what a server without one does.
    with running(tmp_path / "fresh.db", seed=7) as fresh:
        on_a_new_store = ids_issued(fresh)
    with EmbeddedServer(ServerOptions(tokens_per_second=0, seed=7)) as in_memory:
        memory_client = CasedevTestClient(in_memory)
        assert ids_issued(memory_client) == on_a_new_store == before
        memory_client.close()


def test_a_store_in_use_by_a_running_server_is_refused_to_a_second_one(tmp_path: Path) -> None:
    store = tmp_path / "local-server.db"
    with running(store):
        with pytest.raises(ChatStoreBusy):
            ChatStore(store)
    ChatStore(store).close()  # free again once the server stopped


def test_the_store_keeps_no_more_events_per_chat_than_the_replay_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "local-server.db"
    monkeypatch.setattr(chat_model, "REPLAY_BUFFER", 30)
    with running(store) as first:
        chat = first.create()
        first.respond(chat, "hello")
        kept = first.stream(chat, 0)
    assert [frame_id for _, frame_id, _ in kept[1:]] == list(range(kept[-1][1] - 29, kept[-1][1] + 1))
    opened = ChatStore(store)
    try:
        [stored] = opened.load(0.0)
    finally:
        opened.close()
    assert [event.seq for event in stored.events] == [frame_id for _, frame_id, _ in kept[1:]]
    monkeypatch.setattr(chat_model, "REPLAY_BUFFER", 10_000)
    with running(store) as second:
        assert second.stream(chat, 0) == kept


def test_a_chat_store_written_by_a_newer_app_is_refused_untouched(tmp_path: Path) -> None:
    # The server's store runs on the app's migration runner: the same refusal, as its own error.
    store = tmp_path / "local-server.db"
    ChatStore(store).close()
    db = sqlite3.connect(store)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(ChatStoreError, match="newer tui-app"):
        ChatStore(store)
    db = sqlite3.connect(store)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (99,)
    finally:
        db.close()
