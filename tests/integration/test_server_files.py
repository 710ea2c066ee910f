"""The embedded server's demo agent writes a file when asked ("make a file"), on both APIs, and
Case.dev's files endpoints serve it as the official SDK asks for it (the path percent-encoded)."""

from __future__ import annotations

from collections.abc import Iterator

import casedev
import httpx
import pytest

from tests.server_client import CasedevTestClient
from tui_app.server import demo_agent
from tui_app.server.runner import EmbeddedServer


@pytest.fixture
def client(server: EmbeddedServer) -> Iterator[CasedevTestClient]:
    c = CasedevTestClient(server)
    yield c
    c.close()


def test_make_a_file_writes_a_file_in_a_folder_that_the_sdk_lists_and_downloads(
    server: EmbeddedServer, client: CasedevTestClient
) -> None:
    chat = client.create()
    client.respond(chat, "hello")
    client.respond(chat, "please make a file of this")
    path, content = demo_agent.demo_file(2, "please make a file of this")
    assert path == "notes/turn-2/summary.md"

    sdk = casedev.Casedev(api_key=server.api_key, base_url=server.base_url, max_retries=0)
    listed = sdk.agent.v1.chat.files.list(chat).files or []
    assert [(f.path, f.name, f.size_bytes) for f in listed] == [
        (path, "summary.md", len(content.encode())),
        ("out/turn-1.md", "turn-1.md", listed[1].size_bytes),
        ("out/turn-2.md", "turn-2.md", listed[2].size_bytes),
    ]
    # The SDK sends `notes%2Fturn-2%2Fsummary.md`, one segment.
    assert sdk.agent.v1.chat.files.download(path, id=chat).read() == content.encode()


def test_a_turn_without_the_words_writes_no_extra_file(client: CasedevTestClient) -> None:
    chat = client.create()
    client.respond(chat, "just talk")
    listing = client.http.get(f"{client.base}/{chat}/files").json()
    assert [f["path"] for f in listing["files"]] == ["out/turn-1.md"]


def test_a_percent_in_a_file_name_is_decoded_once(server: EmbeddedServer, client: CasedevTestClient) -> None:
    chat = client.create()
    held = server.app.state.registry.get(chat)
    held.files["odd%41.txt"] = b"percent"
    held.files["oddA.txt"] = b"letter"
    sdk = casedev.Casedev(api_key=server.api_key, base_url=server.base_url, max_retries=0)
    # The SDK sends `odd%2541.txt`: decoded twice it would name `oddA.txt`.
    assert sdk.agent.v1.chat.files.download("odd%41.txt", id=chat).read() == b"percent"
    assert sdk.agent.v1.chat.files.download("oddA.txt", id=chat).read() == b"letter"
    # Traversal still refused after the single decoding, encoded or not.
    for evil in ("..%2Fetc%2Fpasswd", "notes%2F..%2F..%2Fx", "notes/%2E%2E/%2E%2E/x", "%2Fetc%2Fpasswd"):
        assert client.http.get(f"{client.base}/{chat}/files/{evil}").status_code == 400, evil


def test_stewrd_returns_the_file_with_the_message(server: EmbeddedServer) -> None:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        session = http.post("/v1/sessions").json()["id"]
        plain = http.post(f"/v1/sessions/{session}/messages", json={"message": "hello"}).json()
        asked = http.post(f"/v1/sessions/{session}/messages", json={"message": "Make a file please"}).json()
    assert plain["files"] == []
    path, content = demo_agent.demo_file(2, "Make a file please")
    assert asked["files"] == [{"name": path, "content": content}]
