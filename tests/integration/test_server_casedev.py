"""The embedded server's Case.dev agent chat API over real HTTP: every endpoint and status."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.server_client import CasedevTestClient, frames, text_of
from tui_app.server import demo_agent
from tui_app.server.options import ServerOptions
from tui_app.server.runner import EmbeddedServer

MakeServer = Callable[..., EmbeddedServer]


@pytest.fixture
def make_server() -> Iterator[MakeServer]:
    started: list[EmbeddedServer] = []

    def make(**options: Any) -> EmbeddedServer:
        server = EmbeddedServer(ServerOptions(**{"tokens_per_second": 0, **options})).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def client(server: EmbeddedServer) -> Iterator[CasedevTestClient]:
    c = CasedevTestClient(server)
    yield c
    c.close()


def names(frames_: list[tuple[str, int | None, dict[str, Any]]]) -> list[str]:
    return [name for name, _, _ in frames_]


# --- create ------------------------------------------------------------------------------


def test_create_answers_with_the_documented_fields_and_v2_adds_provider_and_runtime(server: EmbeddedServer) -> None:
    v1 = CasedevTestClient(server)
    body = v1.http.post(v1.base, json={"title": "t", "idleTimeoutMs": 120_000, "vaultIds": ["v1"]}).json()
    assert body["id"].startswith("chat_") and body["status"] == "active"
    assert body["idleTimeoutMs"] == 120_000 and body["createdAt"].endswith("Z")
    v2 = CasedevTestClient(server, version=2)
    body2 = v2.http.post(v2.base, json={"model": "demo/other"}).json()
    assert body2["provider"] and body2["runtimeState"] == "running" and body2["model"] == "demo/other"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"idleTimeoutMs": "soon"}, "idleTimeoutMs"),
        ({"idleTimeoutMs": 59_999}, "idleTimeoutMs"),
        ({"idleTimeoutMs": 86_400_001}, "idleTimeoutMs"),
        ({"title": 7}, "title"),
        ({"vaultIds": "v1"}, "vaultIds"),
    ],
)
def test_a_bad_create_body_gets_400_naming_the_field(client: CasedevTestClient, body: dict[str, Any], field: str) -> None:
    response = client.http.post(client.base, json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]["message"]


def test_malformed_json_gets_400_not_500(client: CasedevTestClient) -> None:
    response = client.http.post(client.base, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_BODY"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "parts"), ({"parts": []}, "parts"), ({"parts": [{"type": "image"}]}, "parts[0]"), ({"parts": "hi"}, "parts")],
)
def test_a_message_without_text_parts_gets_400_naming_the_field(
    client: CasedevTestClient, body: dict[str, Any], field: str
) -> None:
    chat = client.create()
    for endpoint in ("respond", "message"):
        response = client.http.post(f"{client.base}/{chat}/{endpoint}", json=body)
        assert response.status_code == 400, endpoint
        assert field in response.json()["error"]["message"]


# --- message (blocking) ------------------------------------------------------------------


def test_message_blocks_until_the_turn_ends_and_returns_the_output_and_usage(client: CasedevTestClient) -> None:
    chat = client.create()
    body = client.http.post(f"{client.base}/{chat}/message", json={"parts": [{"type": "text", "text": "hello"}]}).json()
    assert body["status"] == "completed"
    assert body["text"] == demo_agent.reply([], "hello")
    assert body["parts"][-1]["text"] == body["text"]
    usage = body["usage"]
    assert usage["outputTokens"] == demo_agent.count_tokens(body["text"])
    assert usage["summary"]["costMicros"] == sum(entry["costMicros"] for entry in usage["entries"])


# --- /stream: replay and heartbeats --------------------------------------------------------


def test_stream_replays_exactly_the_events_after_any_event_id_of_a_turn(client: CasedevTestClient) -> None:
    chat = client.create()
    client.respond(chat, "replay me")
    everything = client.stream(chat, 0)
    assert names(everything)[0] == "server.connected"
    events = [frame for frame in everything[1:]]
    ids = [frame_id for _, frame_id, _ in events]
    assert ids == list(range(1, len(ids) + 1))
    assert all(data["type"] == name and "properties" in data for name, _, data in events)
    for after in range(0, len(ids)):
        replay = client.stream(chat, after)[1:]
        assert replay == events[after:], after
    # The Last-Event-ID header works as the query parameter does.
    with client.sse("GET", f"/{chat}/stream", headers={"Last-Event-ID": str(len(ids) - 1)}) as source:
        assert frames(source, until="session.idle")[1:] == events[-1:]


def test_stream_relays_a_live_turn_in_opencode_shape(client: CasedevTestClient) -> None:
    chat = client.create()
    result: dict[str, Any] = {}

    def send_later() -> None:
        time.sleep(0.2)
        result.update(client.http.post(f"{client.base}/{chat}/message", json={"parts": [{"type": "text", "text": "live"}]}).json())

    sender = threading.Thread(target=send_later)
    sender.start()
    relayed = client.stream(chat)
    sender.join()
    kinds = names(relayed)
    assert kinds[0] == "server.connected" and kinds[-1] == "session.idle"
    assert {"session.status", "message.updated", "message.part.updated", "session.usage"} <= set(kinds)
    parts = [d["properties"]["part"] for n, _, d in relayed if n == "message.part.updated"]
    assert parts[-1]["text"] == result["text"] and parts[-1]["sessionID"] == chat
    usage = [d["properties"]["usage"] for n, _, d in relayed if n == "session.usage"][-1]
    assert usage == result["usage"]


def test_an_idle_stream_sends_json_heartbeats(make_server: MakeServer) -> None:
    server = make_server(heartbeat_seconds=0.05)
    client = CasedevTestClient(server)
    chat = client.create()
    client.respond(chat, "one")
    seen = client.stream(chat, 0, limit=200)
    last_id = max(frame_id or 0 for _, frame_id, _ in seen)
    with client.sse("GET", f"/{chat}/stream", params={"lastEventId": last_id}) as source:
        first_two = frames(source, limit=2)
    assert names(first_two) == ["server.connected", "server.heartbeat"]
    assert first_two[1][2] == {"type": "server.heartbeat", "properties": {}}


def test_a_stream_dropped_after_n_events_is_recovered_by_replay_without_gaps(make_server: MakeServer) -> None:
    server = make_server(drop_stream_after=5)
    client = CasedevTestClient(server)
    chat = client.create()
    first = client.respond(chat, "drop me")
    assert len(first) == 5 and names(first)[-1] != "turn.completed"
    collected, last_id = list(first), first[-1][1]
    while not collected or collected[-1][0] != "session.idle":
        page = client.stream(chat, last_id)[1:]
        assert page, "a resumed stream must make progress"
        collected += page
        last_id = page[-1][1]
    ids = [frame_id for _, frame_id, _ in collected]
    assert ids == list(range(1, len(ids) + 1))
    final_part = [d for n, _, d in collected if n == "message.part.updated"][-1]
    assert final_part["properties"]["part"]["text"] == demo_agent.reply([], "drop me")


# --- one turn at a time --------------------------------------------------------------------


def test_a_second_turn_while_one_runs_gets_409_on_message_and_respond(make_server: MakeServer) -> None:
    server = make_server(tokens_per_second=50)
    client = CasedevTestClient(server)
    chat = client.create()
    body = {"parts": [{"type": "text", "text": "long"}]}
    with client.sse("POST", f"/{chat}/respond", json=body) as source:
        running = frames(source, limit=1)
        turn_id = running[0][2]["turnId"]
        for endpoint in ("message", "respond"):
            conflict = client.http.post(f"{client.base}/{chat}/{endpoint}", json=body)
            assert conflict.status_code == 409
            assert conflict.json() == {
                "error": {"message": "A turn is already active on this session", "code": "TURN_CONFLICT"}
            }
            assert conflict.headers["X-Active-Turn-Id"] == turn_id and int(conflict.headers["Retry-After"]) >= 1
        rest = frames(source)
    assert names(rest)[-1] == "turn.completed"


# --- lifecycle --------------------------------------------------------------------------------


def test_an_idle_chat_snapshots_and_the_next_message_resumes_with_context(make_server: MakeServer) -> None:
    server = make_server(idle_scale=0.001, resume_delay=0.2)  # 60 s idle timeout -> 60 ms
    client = CasedevTestClient(server, version=2)
    chat = client.create(idleTimeoutMs=60_000)
    client.respond(chat, "remember the number 42")
    time.sleep(0.15)
    started = time.monotonic()
    second = client.respond(chat, "which number?")
    assert time.monotonic() - started >= 0.2
    statuses = [d["status"] for n, _, d in second if n == "turn.status"]
    assert statuses[:2] == ["resuming", "running"]
    assert "“remember the number 42”" in text_of(second) and "turn 2" in text_of(second)
    third = client.respond(chat, "again, right away")
    assert [d["status"] for n, _, d in third if n == "turn.status"] == ["running"]


def test_delete_ends_the_chat_with_its_cost_and_runtime_then_every_call_is_410(client: CasedevTestClient) -> None:
    chat = client.create()
    turns = [client.respond(chat, "one"), client.respond(chat, "two")]
    total = sum([d for n, _, d in frames_ if n == "session.usage"][-1]["usage"]["summary"]["costMicros"] for frames_ in turns)
    ended = client.http.delete(f"{client.base}/{chat}").json()
    assert ended["status"] == "ended" and ended["id"] == chat
    assert ended["costMicros"] == total and ended["cost"] == pytest.approx(total / 1_000_000)
    assert ended["runtimeMs"] >= 0 and ended["snapshotImageId"].startswith("snap_")
    body = {"parts": [{"type": "text", "text": "hi"}]}
    calls = [
        ("POST", "/respond", body),
        ("POST", "/message", body),
        ("GET", "/stream", None),
        ("POST", "/cancel", None),
        ("POST", "/question/que_x/reply", {"answers": []}),
        ("GET", "/files", None),
        ("GET", "/files/out%2Fturn-1.md", None),
        ("DELETE", "", None),
    ]
    for method, path, json_body in calls:
        gone = client.http.request(method, f"{client.base}/{chat}{path}", json=json_body)
        assert gone.status_code == 410, path
        assert gone.json()["error"]["code"] == "CHAT_ENDED"
        missing = client.http.request(method, f"{client.base}/chat_unknown{path}", json=json_body)
        assert missing.status_code == 404, path


def test_a_stream_open_when_the_chat_is_deleted_ends_with_session_deleted(client: CasedevTestClient) -> None:
    chat = client.create()

    def delete_later() -> None:
        time.sleep(0.2)
        client.http.delete(f"{client.base}/{chat}")

    deleter = threading.Thread(target=delete_later)
    deleter.start()
    with client.sse("GET", f"/{chat}/stream") as source:
        relayed = frames(source, until="session.deleted")
    deleter.join()
    assert names(relayed)[-1] == "session.deleted"


# --- questions -----------------------------------------------------------------------------


def ask_and_answer(client: CasedevTestClient, text: str, answers: list[list[str]]) -> tuple[list[Any], int]:
    chat = client.create()
    with client.sse("POST", f"/{chat}/respond", json={"parts": [{"type": "text", "text": text}]}) as source:
        before = frames(source, until="question.asked")
        asked = before[-1][2]
        reply = client.http.post(f"{client.base}/{chat}/question/{asked['requestID']}/reply", json={"answers": answers})
        after = frames(source)
    return before + after, reply.status_code


def test_the_agent_asks_mid_turn_and_continues_with_the_answer(client: CasedevTestClient) -> None:
    all_frames, status = ask_and_answer(client, "please ask me something", [["Short"]])
    assert status == 204
    asked = next(d for n, _, d in all_frames if n == "question.asked")
    question = asked["questions"][0]
    assert question["options"][0]["label"] == "Short" and question["multiple"] is False and question["custom"] is True
    assert [d["status"] for n, _, d in all_frames if n == "turn.status"] == ["running", "waiting", "running"]
    assert "question.replied" in names(all_frames)
    assert "You answered my question: Short." in text_of(all_frames)


def test_multiple_choice_and_typed_answers_are_used(client: CasedevTestClient) -> None:
    all_frames, status = ask_and_answer(client, "quiz me", [["In my own words"], ["Cost", "Streaming"]])
    assert status == 204
    asked = next(d for n, _, d in all_frames if n == "question.asked")
    assert [q["multiple"] for q in asked["questions"]] == [False, True]
    assert "You answered my questions: In my own words; Cost, Streaming." in text_of(all_frames)


@pytest.mark.parametrize(
    "answers",
    [
        [["Short"]],  # one answer for two questions
        [["Short", "Detailed"], ["Cost"]],  # two labels for a single choice
        [["Short"], ["Something else"]],  # a typed answer where none is allowed
        [["Short"], []],  # nothing chosen
        "Short",
    ],
)
def test_an_answer_that_does_not_fit_the_questions_gets_400(client: CasedevTestClient, answers: Any) -> None:
    chat = client.create()
    with client.sse("POST", f"/{chat}/respond", json={"parts": [{"type": "text", "text": "quiz me"}]}) as source:
        asked = frames(source, until="question.asked")[-1][2]
        url = f"{client.base}/{chat}/question/{asked['requestID']}/reply"
        refused = client.http.post(url, json={"answers": answers})
        assert refused.status_code == 400 and refused.json()["error"]["message"]
        assert client.http.post(url, json={"answers": [["Short"], ["Cost"]]}).status_code == 204
        assert names(frames(source))[-1] == "turn.completed"


def test_a_reply_to_an_unknown_question_is_404(client: CasedevTestClient) -> None:
    chat = client.create()
    response = client.http.post(f"{client.base}/{chat}/question/que_nope/reply", json={"answers": [["Short"]]})
    assert response.status_code == 404


def test_cancel_rejects_pending_questions_and_ends_the_turn_cancelled_with_its_usage(client: CasedevTestClient) -> None:
    chat = client.create()
    assert client.http.post(f"{client.base}/{chat}/cancel").json() == {"id": chat, "ok": True}  # nothing runs
    with client.sse("POST", f"/{chat}/respond", json={"parts": [{"type": "text", "text": "ask me"}]}) as source:
        asked = frames(source, until="question.asked")[-1][2]
        assert client.http.post(f"{client.base}/{chat}/cancel").json() == {"id": chat, "ok": True}
        rest = frames(source)
    assert names(rest)[-3:] == ["question.rejected", "session.usage", "turn.completed"]
    assert rest[-1][2]["status"] == "cancelled"
    late = client.http.post(f"{client.base}/{chat}/question/{asked['requestID']}/reply", json={"answers": [["Short"]]})
    assert late.status_code == 404
    assert names(client.respond(chat, "still here?"))[-1] == "turn.completed"


# --- tools, reasoning, usage -----------------------------------------------------------------


def tool_states(frames_: list[Any]) -> list[str]:
    return [d["part"]["state"]["status"] for n, _, d in frames_ if n == "message.part.updated" and d["part"]["type"] == "tool"]


def test_a_tool_call_goes_pending_running_completed_and_bills_an_api_entry(client: CasedevTestClient) -> None:
    turn = client.respond(client.create(), "use a tool please")
    assert tool_states(turn) == ["pending", "running", "completed"]
    usage = [d for n, _, d in turn if n == "session.usage"][-1]["usage"]
    kinds = [entry["kind"] for entry in usage["entries"]]
    assert kinds == ["llm", "api"] and usage["toolCalls"] == 1
    assert usage["entries"][1]["costMicros"] == demo_agent.SEARCH_COST_MICROS
    assert usage["summary"]["costMicros"] == usage["costMicros"] + demo_agent.SEARCH_COST_MICROS


def test_a_failing_tool_ends_in_error_and_the_turn_still_answers(client: CasedevTestClient) -> None:
    turn = client.respond(client.create(), "try the broken tool")
    assert tool_states(turn) == ["pending", "running", "error"]
    assert names(turn)[-1] == "turn.completed" and turn[-1][2]["status"] == "completed"
    usage = [d for n, _, d in turn if n == "session.usage"][-1]["usage"]
    assert usage["entries"][1]["statusCode"] == 502


def test_reasoning_streams_before_the_text_and_counts_as_output(client: CasedevTestClient) -> None:
    turn = client.respond(client.create(), "think first")
    kinds = [d["part"]["type"] for n, _, d in turn if n == "message.part.updated"]
    assert kinds[0] == "reasoning" and kinds[-1] == "text"
    usage = [d for n, _, d in turn if n == "session.usage"][-1]["usage"]
    assert usage["outputTokens"] == demo_agent.count_tokens(text_of(turn, "reasoning")) + demo_agent.count_tokens(text_of(turn))


# --- files ------------------------------------------------------------------------------------


def test_files_are_listed_and_downloaded_and_traversal_is_refused(client: CasedevTestClient) -> None:
    chat = client.create()
    reply = text_of(client.respond(chat, "write a file"))
    listing = client.http.get(f"{client.base}/{chat}/files").json()
    assert listing == {"chatId": chat, "files": [{"path": "out/turn-1.md", "name": "turn-1.md", "sizeBytes": len(reply.encode())}]}
    for path in ("out/turn-1.md", "out%2Fturn-1.md"):
        download = client.http.get(f"{client.base}/{chat}/files/{path}")
        assert download.status_code == 200 and download.content == reply.encode()
        assert download.headers["content-disposition"] == 'attachment; filename="turn-1.md"'
    for evil in ("..%2Fetc%2Fpasswd", "out%2F..%2F..%2Fsecret", "%2Fetc%2Fpasswd"):
        assert client.http.get(f"{client.base}/{chat}/files/{evil}").status_code == 400, evil
    assert client.http.get(f"{client.base}/{chat}/files/out%2Fnone.md").status_code == 404


# --- v2 ----------------------------------------------------------------------------------------


def test_v2_takes_a_model_per_message_and_rejects_a_bad_one(server: EmbeddedServer) -> None:
    client = CasedevTestClient(server, version=2)
    chat = client.create()
    turn = client.respond(chat, "hi", model="demo/override")
    assert [d for n, _, d in turn if n == "session.usage"][-1]["usage"]["model"] == "demo/override"
    bad = client.http.post(f"{client.base}/{chat}/respond", json={"parts": [{"type": "text", "text": "x"}], "model": 3})
    assert bad.status_code == 400 and "model" in bad.json()["error"]["message"]


def test_a_v2_stream_token_opens_the_stream_without_a_key_and_a_key_wins(server: EmbeddedServer) -> None:
    client = CasedevTestClient(server, version=2)
    chat = client.create()
    minted = client.http.post(f"{client.base}/{chat}/stream-token").json()
    assert set(minted) == {"token", "expiresAt", "streamUrl"}
    with httpx.Client(timeout=10) as anonymous:
        with anonymous.stream("GET", minted["streamUrl"]) as opened:
            assert opened.status_code == 200
        wrong = anonymous.get(f"{server.base_url}/agent/v2/chat/{chat}/stream", params={"token": "stk_wrong"})
        assert wrong.status_code == 401
        no_token = anonymous.get(f"{server.base_url}/agent/v2/chat/{chat}/stream")
        assert no_token.status_code == 401
    with client.http.stream("GET", f"{client.base}/{chat}/stream", params={"token": "stk_wrong"}) as with_key:
        assert with_key.status_code == 200


# --- keys and faults -------------------------------------------------------------------------


def test_every_endpoint_needs_the_key(server: EmbeddedServer) -> None:
    for method, path in [("POST", ""), ("POST", "/c/respond"), ("GET", "/c/stream"), ("DELETE", "/c"), ("GET", "/c/files")]:
        response = httpx.request(method, f"{server.base_url}/agent/v1/chat{path}", headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401, path
        assert response.json() == {"error": {"message": "Missing or invalid API key", "code": "UNAUTHORIZED"}}


def test_a_read_only_key_can_stream_and_list_but_not_write(make_server: MakeServer) -> None:
    server = make_server(read_only_key="sk_case_readonly_key_for_tests")
    writer = CasedevTestClient(server)
    chat = writer.create()
    writer.respond(chat, "hello")
    reader = CasedevTestClient(server, key="sk_case_readonly_key_for_tests")
    assert reader.http.get(f"{reader.base}/{chat}/files").status_code == 200
    assert names(reader.stream(chat, 0))[-1] == "session.idle"
    for method, path in [("POST", ""), ("POST", f"/{chat}/cancel"), ("DELETE", f"/{chat}")]:
        refused = reader.http.request(method, f"{reader.base}{path}")
        assert refused.status_code == 403 and "agent:write" in refused.json()["error"]["message"]
    refused = reader.http.post(f"{reader.base}/{chat}/respond", json={"parts": [{"type": "text", "text": "x"}]})
    assert refused.status_code == 403


def test_injected_failures_answer_the_next_calls_then_stop(make_server: MakeServer) -> None:
    server = make_server()
    client = CasedevTestClient(server)
    server.app.state.registry.options.fail_next.extend([429, 503, 500, 502])
    statuses = []
    for _ in range(4):
        response = client.http.post(client.base, json={})
        statuses.append(response.status_code)
        assert "fail_next" in response.json()["error"]["message"]
        assert ("retry-after" in response.headers) == (response.status_code in (429, 503))
    assert statuses == [429, 503, 500, 502]
    assert client.http.post(client.base, json={}).status_code == 200


def test_the_same_seed_gives_the_same_ids(make_server: MakeServer) -> None:
    def ids_of(server: EmbeddedServer) -> list[str]:
        client = CasedevTestClient(server)
        chat = client.create()
        turn = client.respond(chat, "seeded")
        return [chat, turn[0][2]["turnId"], text_of(turn)]

    assert ids_of(make_server(seed=7)) == ids_of(make_server(seed=7))
    assert ids_of(make_server(seed=7))[0] != ids_of(make_server(seed=8))[0]


def test_unknown_paths_and_methods_answer_in_each_apis_error_shape(server: EmbeddedServer) -> None:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    wrong_method = httpx.get(f"{server.base_url}/v1/sessions", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["docs"]
    unknown = httpx.get(f"{server.base_url}/agent/v1/nothing", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "NOT_FOUND"
