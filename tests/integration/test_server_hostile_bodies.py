"""Hostile request bodies against the embedded server, over real HTTP on 127.0.0.1: nested
thousands deep, larger than any message, or lone surrogates. Every route that reads a body
answers in its API's error shape, naming the field; none answers 500 or resets the connection."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tui_app.server.options import ServerOptions
from tui_app.server.request_body import MAX_DEPTH
from tui_app.server.runner import EmbeddedServer

DEEP = 5000


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    # A server of its own: the shared one may already hold the 10 Stewrd sessions a key may keep
    # active (other tests made them), and would answer 429 to the sessions made here.
    with EmbeddedServer(ServerOptions(tokens_per_second=0)) as running:
        yield running


@pytest.fixture
def http(server: EmbeddedServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=30
    ) as client:
        yield client


def deep(field: str, depth: int = DEEP, **rest: object) -> bytes:
    """A JSON object whose `field` is an array nested `depth` deep."""
    head = json.dumps(rest)[:-1] + (", " if rest else "")
    return f'{head}"{field}": {"[" * depth}{"]" * depth}}}'.encode()


def chat(http: httpx.Client, version: int = 1) -> str:
    response = http.post(f"/agent/v{version}/chat", json={"title": "t"})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def stewrd_session(http: httpx.Client) -> str:
    response = http.post("/v1/sessions")
    assert response.status_code == 201, response.text
    return response.json()["id"]


def error_of(response: httpx.Response) -> dict[str, str]:
    assert response.headers["content-type"] == "application/json", response.text
    return response.json()["error"]


@pytest.mark.parametrize("version", [1, 2])
def test_a_body_nested_thousands_deep_is_400_naming_the_field_on_every_casedev_route(http: httpx.Client, version: int) -> None:
    base = f"/agent/v{version}/chat"
    chat_id = chat(http, version)
    attempts = {
        base: deep("vaultIds"),
        f"{base}/{chat_id}/respond": deep("parts"),
        f"{base}/{chat_id}/message": deep("parts", model="m"),
    }
    for path, body in attempts.items():
        response = http.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.status_code, response.text)
        error = error_of(response)
        assert error["code"] == "INVALID_BODY"
        field = "vaultIds" if path == base else "parts"
        assert f"Field '{field}' is nested more than {MAX_DEPTH} levels deep" == error["message"]
    # The server is still whole: the same chat takes a turn.
    assert http.post(f"{base}/{chat_id}/message", json={"parts": [{"type": "text", "text": "hi"}]}).status_code == 200


def test_a_body_nested_thousands_deep_is_400_naming_the_field_on_stewrd_routes(http: httpx.Client) -> None:
    session = stewrd_session(http)
    for path, field in ((f"/v1/sessions/{session}/messages", "files"), ("/v1/agent", "tools")):
        response = http.post(path, content=deep(field, message="hi"), headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.text)
        error = error_of(response)
        assert error["code"] == "invalid_body"
        assert error["message"] == f"Field '{field}' is nested more than {MAX_DEPTH} levels deep"


def test_nesting_inside_a_field_and_a_bare_deep_array_are_refused_too(http: httpx.Client) -> None:
    inner = b'{"message": "hi", "tools": [{"name": "t", "parameters": {"x": ' + b"[" * DEEP + b"]" * DEEP + b"}}]}"
    response = http.post("/v1/agent", content=inner)
    assert response.status_code == 400 and "Field 'tools'" in error_of(response)["message"]
    bare = http.post("/agent/v1/chat", content=b"[" * DEEP + b"]" * DEEP)
    assert bare.status_code == 400
    assert error_of(bare)["message"] == f"The request body is nested more than {MAX_DEPTH} levels deep"


def test_brackets_inside_strings_are_text_not_nesting(http: httpx.Client) -> None:
    text = "[{" * DEEP + ' \\" ' + "]}" * DEEP
    response = http.post(f"/agent/v1/chat/{chat(http)}/message", json={"parts": [{"type": "text", "text": text}]})
    assert response.status_code == 200, response.text


def test_a_body_past_the_limit_is_413_whether_declared_or_streamed(http: httpx.Client, server: EmbeddedServer) -> None:
    limit = server.app.state.registry.options.max_body_bytes
    huge = json.dumps({"title": "x" * (limit + 1)}).encode()
    declared = http.post("/agent/v1/chat", content=huge)
    assert declared.status_code == 413
    assert error_of(declared)["code"] == "PAYLOAD_TOO_LARGE" and f"{limit:,} bytes" in error_of(declared)["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it arrives
        yield b'{"message": "'
        for _ in range(limit // 65536 + 2):
            yield b"y" * 65536
        yield b'"}'

    streamed = http.post(f"/v1/sessions/{stewrd_session(http)}/messages", content=chunks())
    assert streamed.status_code == 413
    assert error_of(streamed)["code"] == "payload_too_large"


def test_titles_and_messages_are_capped_with_a_clear_error(make_small_server: EmbeddedServer) -> None:
    with httpx.Client(
        base_url=make_small_server.base_url, headers={"Authorization": f"Bearer {make_small_server.api_key}"}
    ) as http:
        title = http.post("/agent/v1/chat", json={"title": "t" * 11})
        assert title.status_code == 400 and error_of(title)["message"] == "Field 'title' must be at most 10 characters"
        chat_id = chat(http)
        long_text = {"parts": [{"type": "text", "text": "m" * 21}]}
        message = http.post(f"/agent/v1/chat/{chat_id}/message", json=long_text)
        assert message.status_code == 400 and "Field 'parts' must be at most 20 characters" in error_of(message)["message"]
        stewrd = http.post("/v1/agent", json={"message": "m" * 21})
        assert stewrd.status_code == 400 and error_of(stewrd)["message"] == "Field 'message' must be at most 20 characters"
        assert chat_id in make_small_server.registry.chats
        assert all(c.title is None or len(c.title) <= 10 for c in make_small_server.registry.chats.values())


@pytest.fixture
def make_small_server() -> Iterator[EmbeddedServer]:
    with EmbeddedServer(ServerOptions(tokens_per_second=0, max_title_chars=10, max_message_chars=20)) as running:
        yield running


def test_a_lone_surrogate_in_a_message_is_replaced_not_a_500(http: httpx.Client) -> None:
    body = b'{"parts": [{"type": "text", "text": "half \\ud800 a pair"}]}'
    response = http.post(f"/agent/v1/chat/{chat(http)}/message", content=body)
    assert response.status_code == 200, response.text
    assert "half \ufffd a pair" in response.json()["text"]
