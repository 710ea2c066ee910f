"""The official casedev SDK (0.70.0, the newest with agent chat v1) works against the embedded
server unchanged: a full session, from create to delete."""

from __future__ import annotations

import threading
from typing import Any

import casedev

from tui_app.server import demo_agent
from tui_app.server.runner import EmbeddedServer


def sdk_client(server: EmbeddedServer) -> casedev.Casedev:
    return casedev.Casedev(api_key=server.api_key, base_url=server.base_url, max_retries=0)


def test_a_full_session_through_the_official_sdk(server: EmbeddedServer) -> None:
    client = sdk_client(server)
    chat = client.agent.v1.chat.create(title="sdk", idle_timeout_ms=120_000)
    assert chat.id and chat.status == "active" and chat.idle_timeout_ms == 120_000

    events: list[dict[str, Any]] = list(client.agent.v1.chat.respond(chat.id, parts=[{"type": "text", "text": "hello sdk"}]))
    assert events[0]["type"] == "turn.started" and events[-1]["type"] == "turn.completed"
    texts = [e["part"]["text"] for e in events if e["type"] == "message.part.updated"]
    assert texts[-1] == demo_agent.reply([], "hello sdk")
    usage = next(e for e in reversed(events) if e["type"] == "session.usage")["usage"]

    # The blocking message call returns nothing the SDK types; the turn still happens.
    assert client.agent.v1.chat.send_message(chat.id, parts=[{"type": "text", "text": "second"}]) is None

    replay = client.agent.v1.chat.stream(chat.id, last_event_id=0)
    relayed: list[dict[str, Any]] = []
    for event in replay:
        relayed.append(event)
        if len([e for e in relayed if e["type"] == "session.idle"]) == 2:
            break
    replay.close()
    usages = [e["properties"]["usage"] for e in relayed if e["type"] == "session.usage"]
    assert usage in usages

    files = client.agent.v1.chat.files.list(chat.id)
    assert [f.path for f in files.files or []] == ["out/turn-1.md", "out/turn-2.md"]
    download = client.agent.v1.chat.files.download("out/turn-1.md", id=chat.id)
    assert download.read() == texts[-1].encode()

    assert client.agent.v1.chat.cancel(chat.id).ok is True
    ended = client.agent.v1.chat.delete(chat.id)
    assert ended.status == "ended" and ended.runtime_ms is not None and ended.snapshot_image_id
    assert ended.cost is not None and ended.cost > 0


def test_a_question_answered_through_the_sdk(server: EmbeddedServer) -> None:
    client = sdk_client(server)
    chat = client.agent.v1.chat.create()
    stream = client.agent.v1.chat.respond(chat.id, parts=[{"type": "text", "text": "ask me"}])
    seen: list[dict[str, Any]] = []
    for event in stream:
        seen.append(event)
        if event["type"] == "question.asked":
            # Answer from another thread, as another part of a program would.
            answer = threading.Thread(
                target=client.agent.v1.chat.reply_to_question,
                args=(event["requestID"],),
                kwargs={"id": chat.id, "answers": [["Detailed"]]},
            )
            answer.start()
            answer.join()
        if event["type"] == "turn.completed":
            break
    final = [e["part"]["text"] for e in seen if e["type"] == "message.part.updated"][-1]
    assert "You answered my question: Detailed." in final


def test_the_sdk_gets_typed_errors(server: EmbeddedServer) -> None:
    client = sdk_client(server)
    try:
        client.agent.v1.chat.cancel("chat_missing")
    except casedev.NotFoundError as error:
        assert error.status_code == 404
    else:
        raise AssertionError("an unknown chat must be 404")
    bad = casedev.Casedev(api_key="sk_case_wrong", base_url=server.base_url, max_retries=0)
    try:
        bad.agent.v1.chat.create()
    except casedev.AuthenticationError as error:
        assert error.status_code == 401
    else:
        raise AssertionError("a wrong key must be 401")
